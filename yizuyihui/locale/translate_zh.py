"""Fill the project-level zh-Hans catalogue (yizuyihui/locale) and compile it.

Run after `makemessages`: `.venv/bin/python yizuyihui/locale/translate_zh.py`. Kept as data so a
translator can review every string in one place; unknown strings are reported, not guessed.
"""

from pathlib import Path

from yizuyihui.core.catalogue import fill

ZH = {
    # configuration and rosters (issue 16)
    "Configuration": "配置",
    "Keys for other systems to use the API and Open311; a new key is shown once": "供其他系统调用 API 和 Open311 的密钥；新密钥只显示一次",
    "What the whole city works by. Every change is recorded in the audit log.": "全市统一的工作规则。每项修改都记入审计日志。",
    "Manage members and posts": "管理成员和岗位", "Roster or post changed": "成员或岗位变动",
    "Configuration changed": "配置变更",
    "Home": "首页", "Organisation": "组织架构", "Units": "一组一会", "Units in my scope": "辖区内的一组一会",
    "一组一会": "一组一会", "My unit": "我的一组一会", "Cannot read the file: %s": "无法读取文件：%s",
    "Unknown header; expected %(a)s or %(b)s": "表头无法识别，应为 %(a)s 或 %(b)s", "code is empty": "编码为空",
    "code %s is used twice": "编码 %s 重复", "unknown level %r": "未知层级 %r", "name is empty": "名称为空",
    "only a city may have no parent": "只有市级节点可以没有上级", "parent %s does not exist": "上级 %s 不存在",
    "a %(c)s cannot sit under a %(p)s": "%(c)s 不能设在 %(p)s 之下", "unit %s does not exist": "一组一会 %s 不存在",
    "gender must be 男/女 or M/F": "性别应为 男/女 或 M/F", "ID card number is not valid": "身份证号无效",
    "phone must be an 11-digit mobile number": "电话应为11位手机号", "party_member must be 是/否": "是否党员应填 是/否",
    "body must be 党小组 or 理事会": "所属组织应为 党小组 或 理事会", "role must be 组长, 会长 or 成员": "职务应为 组长、会长 或 成员",
    "only Party members can sit in the Party group": "只有党员可以加入党小组",
    "the Party group has a 组长 and the council a 会长": "党小组设组长，理事会设会长",
    "unknown identity %r": "未知身份 %r", "a second %s for the same unit": "同一单元出现第二个 %s", "parent cycle": "上级关系成环",
    "City": "市", "District": "区", "County": "县", "Street": "街道", "Township": "乡镇", "Community": "社区",
    "Administrative village": "行政村", "Grid": "网格", "Natural village": "自然村", "Building": "楼栋",
    "name": "名称", "level": "层级", "code": "编码", "Stable identifier used by imports": "导入时使用的稳定编码",
    "urban": "城市", "organisation node": "组织节点", "organisation nodes": "组织节点", "Urban grid": "城市网格",
    "Rural natural village": "农村自然村", "node": "节点", "kind": "类型", "embedding degree": "嵌入度",
    "Party share of the council": "理事会党员占比", "一肩挑": "一肩挑", "unit (一组一会)": "一组一会",
    "units (一组一会)": "一组一会", "Residents' council": "居民议事会", "Villagers' council": "村民理事会",
    "Weak self-governance or heavy workload: embed deeply (more Party-group members on the council).":
        "自治力量较弱或工作负荷较重：宜强嵌入（更多党小组成员进入理事会）。",
    "Strong self-governance and light workload: a lighter embedding leaves room to the council.":
        "自治力量较强且负荷较轻：宜弱嵌入，给理事会留出自治空间。",
    "Balanced: keep the present embedding.": "较为均衡：保持现有嵌入程度。",
    "Only a city can be a root node": "只有市级可以作为根节点", "A %(child)s cannot sit under a %(parent)s": "%(child)s 不能设在 %(parent)s 之下",
    "Imported %(nodes)d nodes and %(members)d people.": "已导入 %(nodes)d 个节点、%(members)d 名成员。",
    "Male": "男", "Female": "女", "Ordinary": "一般户", "Key assistance": "重点帮扶", "Special": "特殊人员",
    "unit": "一组一会", "address": "地址", "category": "类别", "members": "人数", "household": "住户", "households": "住户",
    "Works elsewhere": "外出务工", "Trades elsewhere": "外出经商", "Studies elsewhere": "外出求学", "gender": "性别",
    "birth year": "出生年份", "ID card number": "身份证号", "phone": "电话", "Party member": "党员", "migrant": "流动人口",
    "home node": "所属网格/自然村", "The grid or natural village the person belongs to": "此人所属的网格或自然村",
    "occupation": "职业", "outside": "外出", "where outside": "外出地点", "person": "人员", "persons": "人员",
    "Party group": "党小组", "Council": "理事会", "Temporary “+” member": "“+”临时成员", "Leader": "组长", "Head": "会长",
    "Member": "成员", "Cadre": "村（社区）干部", "Party-member representative": "党员代表", "Mass representative": "群众代表",
    "Women's representative": "妇女代表", "Expert in getting rich": "致富能手", "Cooperative representative": "合作社代表",
    "Village committee member": "村委委员", "Large grain grower": "种粮大户", "Retired cadre or teacher": "五老乡贤",
    "Social worker": "社工", "In-service Party member": "在职党员", "Building head": "楼栋长", "Owners' committee head": "业委会负责人",
    "Property company representative": "物业公司代表", "Representative of a unit in the area": "辖区单位代表",
    "Grid worker": "网格员", "Community police": "社区民警", "Veteran": "退役军人", "Returned entrepreneur": "返乡创业人员",
    "Self-employed": "个体工商户党员", "Legal adviser": "法律明白人", "Volunteer": "志愿者", "Official sent down": "下沉干部",
    "Resident concerned": "相关居民", "body": "所属组织", "role": "职务", "identity": "身份", "purpose": "事由", "since": "起始",
    "until": "截止", "membership": "成员关系", "memberships": "成员关系", "Resident": "居民", "Unit leader": "党小组组长",
    "Council member": "理事会成员", "Community cadre": "社区两委干部", "Street/township official": "街道/乡镇干部",
    "Department handler": "部门办理人", "District/county official": "区/县干部", "City administrator": "市级管理员",
    "department": "部门", "post": "岗位", "posts": "岗位", "City Party secretary": "市级党组织书记",
    "County Party secretary": "县级党组织书记", "Township Party secretary": "乡镇党组织书记",
    "In-service Party member of a government organ": "机关在职党员", "registered at": "报到地点", "employer": "工作单位",
    "registered on": "报到日期", "三报到 registration": "三报到登记", "三报到 registrations": "三报到登记",
    "Unknown household category: %s": "未知住户类别：%s", "Only Party members can sit in the Party group": "只有党员可以加入党小组",
    "The Party group has a leader, not a head": "党小组设组长，不设会长", "The council has a head, not a leader": "理事会设会长，不设组长",
    "A “+” member is drawn in for a purpose; give it": "“+”成员因事而邀，请填写事由",
    "Registration is at a community, village, street or township": "报到地点应为社区、村、街道或乡镇",
    "Account locked": "账号已锁定",
    "Too many failed logins. Try again later or ask your community administrator to unlock the account.":
        "登录失败次数过多。请稍后再试，或请社区管理员解锁。",
    "Log in": "登录", "Username": "用户名", "Password": "密码", "My account": "我的账号", "Yizuyihui+": "一组一会+",
    "Log out": "退出", "Yizuyihui+ · Party groups lead, councils deliberate, everyone supervises": "一组一会+ · 党小组引领　理事会议事　全员监督",
    "Hello, %(name)s": "您好，%(name)s", "You hold no post yet: ask your community to add you.": "您还没有岗位，请联系社区添加。",
    "Import the organisation": "导入组织架构",
    "CSV or XLSX. Tree: code, parent_code, level, name. Roster: unit_code, name, gender, id_number, phone, party_member, body, role, identity. A file with any bad row changes nothing.":
        "支持 CSV 或 XLSX。组织树：code, parent_code, level, name；名册：unit_code, name, gender, id_number, phone, party_member, body, role, identity。文件中只要有一行错误，就不做任何导入。",
    "The file was rejected": "文件未被接受", "line": "第几行", "File": "文件", "Import": "导入",
    "Units and embedding measures": "一组一会及嵌入度", "Name": "名称", "Level": "层级", "Embedding degree": "嵌入度",
    "Nothing below this node.": "此节点下暂无下级。", "One person leads both": "一肩挑", "Yes": "是", "No": "否",
    "Households": "住户数", "Residents": "居民数", "Mismatch": "不匹配", "self-governance": "自治强度",
    "households per group member": "每名党小组成员联系户数", "No members yet.": "暂无成员。", "Temporary “+” members": "“+”临时成员",
    "Export CSV": "导出 CSV", "Search units": "查找一组一会", "Name of a grid or natural village": "网格或自然村名称", "Unit": "一组一会", "Kind": "类型", "Previous": "上一页", "Next": "下一页",
}
# Error pages (issue 10).
ZH.update({'Not allowed': '无权访问', 'This page is not for your post': '此页面不在您的岗位权限内', 'Your post does not cover this page or action. Start from your home page: it shows what your post may do.': '您的岗位不包含此页面或操作。请从首页开始：首页列出了您的岗位可以办理的事项。', 'Not found': '页面不存在', 'This page does not exist': '找不到此页面', 'The address may be mistyped, or the matter was merged or removed.': '网址可能有误，或该事项已被合并或删除。', 'Server error': '服务器错误', 'Something went wrong on our side': '系统出了点问题', 'The error was recorded. Try again in a moment; what you entered before was not lost if you saw it confirmed.': '错误已记录，请稍后再试；此前已看到确认的内容不会丢失。', 'Back to the home page': '返回首页'})
PLURALS = {"%(n)s unit in your scope": ["辖区内共 %(n)s 个一组一会"], "mean of %(n)s unit": ["%(n)s 个一组一会的均值"]}

# Privacy and robustness at the edges (issue 11): input errors, uploads, API keys, the audit log.
ZH.update({
 "%(field)s contains control characters": "%(field)s 含有控制字符",
 "%(field)s is required": "%(field)s 为必填项",
 "%(field)s may be at most %(n)d characters": "%(field)s 最多 %(n)d 个字符",
 "%(field)s must be a whole number": "%(field)s 应为整数",
 "%(field)s must lie between %(a)d and %(b)d": "%(field)s 应在 %(a)d 与 %(b)d 之间",
 "%(field)s must lie between %(a)s and %(b)s": "%(field)s 应在 %(a)s 与 %(b)s 之间",
 "%(field)s: at most %(n)d items": "%(field)s：最多 %(n)d 项",
 "%(field)s: give a date as YYYY-MM-DD": "%(field)s：日期格式应为 YYYY-MM-DD",
 "%(field)s: give a date between %(a)d and %(b)d": "%(field)s：日期应在 %(a)d 年与 %(b)d 年之间",
 "%(field)s: give a date-time as YYYY-MM-DDThh:mm:ss": "%(field)s：时间格式应为 YYYY-MM-DDThh:mm:ss",
 "%(field)s: the number is too large": "%(field)s：数字过大",
 "A photo may be at most %(mb)d MB": "照片不能超过 %(mb)d MB",
 "At most %(n)d photos at a time": "一次最多上传 %(n)d 张照片",
 "The photo is empty": "照片是空文件",
 "This photo has too many pixels": "照片像素过多",
 "This file is not a photo we can read": "无法识别此照片文件",
 "Photos must be JPEG, PNG, WebP or GIF": "照片须为 JPEG、PNG、WebP 或 GIF 格式",
 "Control characters are not allowed": "不允许包含控制字符",
 "This input cannot be used": "输入内容无法使用",
 "Nothing was saved. Go back, correct it and send it again.": "没有保存任何内容。请返回修改后再提交。",
 "API key": "API 密钥", "API keys": "API 密钥", "API key created": "创建 API 密钥", "API key revoked": "吊销 API 密钥",
 "Key revoked": "密钥已吊销", "Name the key: what will use it?": "请为密钥命名：由什么程序使用？",
 "Copy the key now: it is not shown again.": "请立即复制密钥：它不会再次显示。",
 "What will use the key?": "由什么程序使用此密钥？", "For user (empty: yourself)": "为哪个用户创建（留空为自己）",
 "Create a key": "创建密钥", "Key": "密钥", "Last used": "最近使用", "Revoke": "吊销", "Revoked": "已吊销",
 "No keys yet.": "还没有密钥。", "prefix": "前缀", "created at": "创建时间", "last used": "最近使用", "revoked at": "吊销时间",
 "Audit log": "审计日志", "audit event": "审计事件", "audit events": "审计事件", "Action": "操作", "Actor": "操作人",
 "actor": "操作人", "action": "操作", "IP address": "IP 地址", "Object": "对象", "Detail": "详情", "At": "时间",
 "Filter": "筛选", "From": "起", "To": "止", "User": "用户", "user": "用户", "Created": "创建时间", "Name": "名称",
 "Login": "登录", "Failed login": "登录失败", "Logout": "退出登录", "Post granted or changed": "授予或变更职务",
 "Post removed": "撤销职务", "Permissions changed": "权限变更", "Personal data shown in full": "完整显示个人信息",
 "Export": "导出", "Confidential note read": "查阅保密记录",
 "Nothing here.": "暂无内容。", "at": "时间", "name": "名称",
})


if __name__ == "__main__":
    fill(Path(__file__).parent, ZH, PLURALS)
