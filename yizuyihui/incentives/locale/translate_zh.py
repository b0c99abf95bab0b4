"""Fill the incentives app's zh-Hans catalogue and compile it.

After `makemessages` (run in yizuyihui/incentives with a `tpl_link` symlink to
templates/incentives, `--symlinks -i cli.py`): `.venv/bin/python yizuyihui/incentives/locale/translate_zh.py`.
Unknown strings are reported, not guessed.
"""

from pathlib import Path

from performance_zh import ZH_PERFORMANCE
from translate_zh_recognition import ZH_RECOGNITION

from yizuyihui.core.catalogue import fill

ZH = {
    "Incentives": "反馈激励", "My points": "我的积分", "积分 · rewards of your community": "积分 · 社区兑换",
    "Matter filed and accepted": "反映问题被受理", "Visit hosted": "接待走访", "Volunteer hours": "志愿服务时长",
    "Meeting attended as a “+” member": "以“+”成员参加议事", "Useful 六必报 report": "六必报信息属实有用",
    "Month": "月", "Quarter": "季度", "Year": "年", "event": "事件", "points per event (per hour for volunteer hours)":
        "每次积分（志愿服务按小时）", "cap per period": "每期上限", "period": "周期", "active": "启用",
    "points rule": "积分规则", "Award": "获得", "Redemption": "兑换", "points": "积分", "at": "时间", "note": "备注",
    "community": "社区", "reward": "奖品", "in stock": "库存", "handed over": "已发放",
    "Only the city's administrators edit the points rules": "只有市级管理员可以修改积分规则",
    "Unknown event type": "未知事件类型", "Unknown period": "未知周期",
    "A rule needs a cap per period: unbounded points are refused": "规则必须设每期上限：不接受无上限的积分",
    "Points must be a whole number": "积分应为整数", "The cap must be a whole number": "上限应为整数",
    "Points and cap must be positive: unbounded points are refused": "积分和上限须为正数：不接受无上限的积分",
    "The cap must allow at least one event": "上限至少应容纳一次事件", "Only the community keeps its rewards": "奖品由社区管理",
    "Name the reward": "请填写奖品名称", "Stock must be a whole number": "库存应为整数",
    "A reward costs at least one point and its stock cannot be negative": "奖品至少需要1积分，库存不能为负",
    "Stock cannot be negative": "库存不能为负", "Rewards are redeemed at the community you live in": "只能在居住的社区兑换奖品",
    "This reward is no longer offered": "该奖品已下架", "You have already redeemed this reward": "您已兑换过该奖品",
    "This reward is out of stock": "该奖品已兑完", "Not enough points": "积分不足", "Balance": "积分余额",
    "earned in all": "累计获得", "Rewards of your community": "本社区可兑换奖品", "Redeemed": "已兑换", "Redeem": "兑换",
    "Your community offers no rewards yet.": "本社区暂未提供兑换奖品。", "History": "积分明细", "Points history": "积分明细", "Given out": "已发放",
    "No points yet: file a matter, volunteer, take part.": "暂无积分：反映问题、参加志愿服务、参与议事都可获得积分。",
    "Your account is not linked to a person record: ask your community.": "您的账号尚未关联人员信息，请联系社区。",
    "Rewards": "积分奖品", "Community": "社区", "Reward": "奖品", "Points": "积分", "In stock": "库存", "None": "暂无",
    "Offer a reward": "新增奖品", "Save": "保存", "Redemptions": "兑换记录", "Handed over": "已发放", "Hand over": "发放",
    "Points rules": "积分规则", "Every rule needs a cap per period: unbounded points are refused.":
        "每条规则都须设每期上限：不接受无上限的积分。", "Event": "事件", "Cap per period": "每期上限", "Period": "周期",
    "Active": "启用", "事事有回应": "事事有回应", "Matters received": "收到事项", "settled": "办结",
    "answered (fed back)": "已反馈", "On the spot": "现场解决", "in the unit": "组内解决", "by the community": "社区调处",
    "by the street and departments": "街道及部门调处", "decided by the council": "理事会议定", "Settled this month": "本月办结",
    "council": "议事会", "on the spot": "现场解决", "Public notices": "公示", "Supporter (附议)": "附议人",
    "“+” member": "“+”成员", "A matter you are concerned with has a result": "您关注的事项已有结果", "Redeemed: collect it at the community": "兑换成功，请到社区领取", "Saved": "已保存",
}

ZH.update(ZH_PERFORMANCE)


ZH.update(ZH_RECOGNITION)


if __name__ == "__main__":
    fill(Path(__file__).parent, ZH, metadata={"Project-Id-Version": "yizuyihui incentives", "Language-Team": "zh-hans"})
