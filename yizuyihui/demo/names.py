"""Plausible Chinese names for people and places, and valid-looking personal numbers (all synthetic)."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_M = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林阳峰建国志文兵"
GIVEN_F = "芳娜敏静丽艳娟霞秀玲桂英红梅琳燕萍洁琴云莲慧颖倩婷雪琼晶蓉兰凤"
PLACE_A = "东西南北中上下前后新老大小长青白黄红金石清安和平兴隆丰福康宁泰永吉祥瑞华光明桃李杏柳松竹梅荷"
PLACE_B = "山河湖塘湾岗岭坡庄桥溪坪冲圩店集口洲园林港埠"
ROAD = ["人民路", "解放路", "建设路", "和平路", "中山路", "文化路", "幸福路", "光明路", "胜利路", "长江路", "淮河路", "黄山路"]
ESTATE = ["花园", "小区", "家园", "苑", "新村", "公寓", "名都", "雅居"]
AREA_CODES = ["340102", "340103", "340104", "340111", "340121", "340122", "340123", "340124"]

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def person_name(rng: random.Random, gender: str) -> str:
    given = GIVEN_M if gender == "M" else GIVEN_F
    n = 1 if rng.random() < 0.3 else 2
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(n))


def place_name(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(PLACE_A) + rng.choice(PLACE_B)
    return rng.choice(PLACE_A) + rng.choice(PLACE_A) + rng.choice(PLACE_B)


def make_id_number(seed: int | random.Random, birth_year: int | None = None) -> str:
    """An 18-digit number with a valid GB 11643 check digit, from a seed or a generator (synthetic).
    Numbers drawn this way may repeat: a load of many people uses `IdNumbers`."""
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    year = birth_year or rng.randint(1940, 2015)
    body = f"{rng.choice(AREA_CODES)}{year:04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return with_check_digit(body)


class IdNumbers:
    """Unique synthetic ID numbers for one load (the demo city's millions of people).

    A GB 11643 number is area code + birth date + a three-digit sequence code (odd for men, even
    for women) + check digit. Drawing the sequence code at random repeats numbers by the birthday
    paradox (22 repeats in the 50,000-resident demo city, each a different person); here each
    (area, birth date, sex) hands out its 500 sequence codes in turn from a random start, so no
    number repeats and memory stays bounded by the number of (area, date) pairs, not of people.
    `taken` numbers (already in the database) are skipped.
    """

    def __init__(self, rng: random.Random, taken: set[str] | frozenset[str] = frozenset()):
        self.rng = rng
        self.taken = taken
        self._handed: dict[tuple[str, int, int, int, bool], tuple[int, int]] = {}  # key → (start, handed out)

    def make(self, birth_year: int, gender: str = "M") -> str:
        rng, male = self.rng, gender != "F"
        for _ in range(1000):
            area, month, day = rng.choice(AREA_CODES), rng.randint(1, 12), rng.randint(1, 28)
            key = (area, birth_year, month, day, male)
            start, handed = self._handed.get(key) or (rng.randrange(500), 0)
            if handed >= 500:
                continue  # every sequence code of that day is used: another day
            self._handed[key] = (start, handed + 1)
            seq = 2 * ((start + handed) % 500) + (1 if male else 0)
            number = with_check_digit(f"{area}{birth_year:04d}{month:02d}{day:02d}{seq:03d}")
            if number not in self.taken:
                return number
        raise RuntimeError("no free ID number for birth year %d" % birth_year)


def with_check_digit(body: str) -> str:
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + _ID_CHECK[total % 11]


def make_phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "135", "136", "150", "151", "152", "158", "186", "187", "188", "177"]) + f"{rng.randint(0, 99_999_999):08d}"
