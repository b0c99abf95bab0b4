"""Fill the people app's zh-Hans catalogue and compile it (run after `makemessages` in yizuyihui/people).

Strings the project catalogue (yizuyihui/locale) already translates are taken from it; the rest are here."""

from pathlib import Path

from yizuyihui.core.catalogue import fill

ZH = {
    "Household number": "户号", "household number": "户号", "relation to the head": "与户主关系",
    "Head of household": "户主", "Spouse": "配偶", "Child": "子女", "Parent": "父母", "Grandchild": "孙子女",
    "Grandparent": "祖父母", "Sibling": "兄弟姐妹", "Son- or daughter-in-law": "儿媳/女婿", "Other": "其他",
    "Households and residents": "住户和居民", "Import the register": "导入户籍名册",
    "Import households and residents": "导入住户和居民",
    "CSV or XLSX, one row per resident, with the register's headers: 户号, 地址, 网格代码, 姓名, 身份证号, 手机号, 性别, "
    "户类别, 与户主关系, 是否党员, 是否流动人口, 职业. A resident whose ID number is known is updated, not added. A file "
    "with any bad row changes nothing; only units in your scope are accepted.":
        "支持 CSV 或 XLSX，每位居民一行，表头为：户号、地址、网格代码、姓名、身份证号、手机号、性别、户类别、与户主关系、"
        "是否党员、是否流动人口、职业。身份证号已登记的居民将被更新而不是重复添加。文件中只要有一行错误，就不做任何导入；"
        "只接受您辖区内的网格/自然村。",
    "Download an empty template": "下载空白模板", "The file was rejected": "文件未被导入", "File": "文件", "Import": "导入",
    "Choose a file": "请选择文件", "The file is larger than 50 MB": "文件超过 50 MB",
    "%(rows)d rows: %(persons_created)d residents added, %(persons_updated)d updated; %(households_created)d "
    "households added, %(households_updated)d updated.":
        "共 %(rows)d 行：新增居民 %(persons_created)d 人，更新 %(persons_updated)d 人；新增住户 %(households_created)d 户，"
        "更新 %(households_updated)d 户。",
    "… and %d more bad rows": "……另有 %d 行有误", "Cannot read the file: %s": "无法读取文件：%s",
    "Missing columns: %(missing)s; expected headers such as %(expected)s": "缺少列：%(missing)s；表头应为 %(expected)s 等",
    "name is empty": "姓名为空", "name is longer than 50 characters": "姓名超过 50 个字",
    "ID number %(id)s is already on line %(line)d: one row per resident": "身份证号 %(id)s 已在第 %(line)d 行出现：每位居民只占一行",
    "性别 %(given)s does not agree with the ID number": "性别 %(given)s 与身份证号不符",
    "phone must be an 11-digit mobile number": "手机号应为 11 位",
    "是否党员 must be 是/否 (or 政治面貌 such as 中共党员/群众)": "是否党员应填 是/否（或政治面貌，如 中共党员/群众）",
    "是否流动人口 must be 是/否 (or 户籍/流动)": "是否流动人口应填 是/否（或 户籍/流动）",
    "unknown 与户主关系 %r": "无法识别的与户主关系 %r", "unknown household category %r": "无法识别的户类别 %r",
    "ID number %s belongs to a resident outside your scope": "身份证号 %s 属于您辖区以外的居民",
    "unit %s does not exist": "网格/自然村 %s 不存在", "unit %s is outside your scope": "网格/自然村 %s 不在您的辖区内",
    "户号 is longer than 30 characters": "户号超过 30 个字符", "户号 is empty": "户号为空",
    "unit": "网格/自然村", "address": "地址", "household category": "户类别",
    "户号 %(no)s has a different %(what)s on line %(line)d": "户号 %(no)s 的%(what)s与第 %(line)d 行不同",
    "户号 %(no)s already has a head of household on line %(line)d": "户号 %(no)s 在第 %(line)d 行已有户主",
    "户号 %s belongs to a household outside your scope": "户号 %s 属于您辖区以外的住户",
    "a new 户号 needs its 网格代码 and 地址": "新户号需要填写网格代码和地址",
    # rosters and posts
    "The Party group would have %(n)d members; the rule is %(low)d–%(high)d.": "党小组将有 %(n)d 人；规定为 %(low)d–%(high)d 人。",
    "The council would have %(n)d members; the rule is %(low)d–%(high)d.": "理事会将有 %(n)d 人；规定为 %(low)d–%(high)d 人。",
    "Party members would be %(share).0f%% of the council; at least %(min).0f%% is usual for a %(kind)s.":
        "党员将占理事会的 %(share).0f%%；%(kind)s通常不低于 %(min).0f%%。",
    "rural unit": "农村单元", "urban unit": "城市单元",
    "You may not change the roster of %s": "您无权调整%s的成员", "Unknown body: %s": "未知组织：%s",
    "A “+” member is a member, not a leader or head": "“+”成员只能是成员，不设组长或会长",
    "Unknown identity: %s": "未知身份：%s", "%(name)s already sits in this body": "%(name)s 已在该组织中",
    "This membership has already ended": "该成员身份已结束", "Choose another unit or another body": "请选择其他单元或其他组织",
    "You may not give this post here": "您无权在此设立该岗位", "Unknown role: %s": "未知岗位：%s",
    "A %(role)s post is held at a %(levels)s": "%(role)s岗位应设在%(levels)s",
    "%(name)s already holds this post": "%(name)s 已担任该岗位", "This post has already ended": "该岗位已结束",
    "Choose another place": "请选择其他地点", "Nobody found.": "未找到。",
    "Type a few characters of the name.": "输入姓名中的几个字。", "Move a member": "调整成员",
    "Move %(name)s": "调整 %(name)s", "To the unit": "调到单元", "Into the body": "调入组织",
    "Purpose (for a “+” member)": "事由（“+”成员填写）", "Move": "调整", "Cancel": "取消", "Move a post": "调整岗位",
    "Move %(name)s (%(role)s)": "调整 %(name)s（%(role)s）",
    "There is no other unit you keep to move this post to.": "没有您管理的其他单元可调入。",
    "Members and posts of %(name)s": "%(name)s 的成员和岗位", "The roster breaks the paper's rules:": "当前名册不符合规定：",
    "since %(d)s": "自 %(d)s 起", "End %(name)s's seat": "结束 %(name)s 的席位", "End": "结束",
    "Add a member": "添加成员", "Person": "人员", "Search by name": "按姓名搜索", "Role": "职务", "Identity": "身份",
    "Purpose": "事由", "Add this person": "添加此人", "Posts": "岗位", "No posts yet.": "暂无岗位。", "Give a post": "设立岗位",
    "Person with an account": "已有账号的人员", "Post": "岗位", "Give the post": "设立岗位", "Changes": "变更记录",
    "confirmed despite a warning": "经提醒后确认", "No changes recorded yet.": "暂无变更记录。", "Please confirm": "请确认",
    "This change to %(name)s breaks the paper's rules:": "对 %(name)s 的这项调整不符合规定：",
    "Nothing has been saved yet. Save anyway only if the unit has a reason; the change is recorded with this warning.":
        "尚未保存。只有在单元确有理由时才仍然保存；此项调整将连同提醒一并记录。",
    "Save anyway": "仍然保存",
    "%(actor)s gave %(name)s the post of %(role)s": "%(actor)s 任命 %(name)s 为%(role)s",
    "%(actor)s ended %(name)s's post of %(role)s": "%(actor)s 结束了 %(name)s 的%(role)s岗位",
    "%(actor)s moved %(name)s's post of %(role)s": "%(actor)s 调整了 %(name)s 的%(role)s岗位",
    "%(actor)s added %(name)s to the %(body)s (%(role)s)": "%(actor)s 将 %(name)s 加入%(body)s（%(role)s）",
    "%(actor)s ended %(name)s's seat in the %(body)s": "%(actor)s 结束了 %(name)s 在%(body)s的席位",
    "%(actor)s moved %(name)s from the %(body)s to the %(to_body)s": "%(actor)s 将 %(name)s 从%(body)s调到%(to_body)s",
    "%(actor)s moved %(name)s from %(from_unit)s to %(to_unit)s (%(to_body)s)":
        "%(actor)s 将 %(name)s 从 %(from_unit)s 调到 %(to_unit)s（%(to_body)s）",
    "Saved.": "已保存。", "Pick a person from the search results": "请从搜索结果中选择人员",
    "%s has no account yet": "%s 还没有账号", "Choose a unit": "请选择单元", "The system": "系统",
    "Add %(name)s to the %(body)s": "将 %(name)s 加入%(body)s",
    "End %(name)s's seat in the %(body)s": "结束 %(name)s 在%(body)s的席位",
}


if __name__ == "__main__":
    fill(Path(__file__).parent, ZH)
