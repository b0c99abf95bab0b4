"""Fill the resources app's zh-Hans catalogue and compile it.

After `makemessages` (run in yizuyihui/resources with a `tpl_link` symlink to
templates/resources): `.venv/bin/python yizuyihui/resources/locale/translate_zh.py`.
Unknown strings are reported, not guessed.
"""

from pathlib import Path

import polib

ZH = {
    "Linked resources (“+”)": "资源链接（“+”）", "“+” members drawn in": "吸纳“+”成员人次", "“+” members per matter": "每件事项“+”成员数",
    "Volunteer teams": "志愿服务队", "Volunteers": "志愿者", "Volunteer hours": "志愿服务时长（小时）", "Needs matched": "需求已匹配",
    "Hours from need to match": "需求到匹配用时（小时）", "三报到 confirmed": "三报到已确认", "Urban–rural matches fulfilled": "城乡对接已落实",
    "Urban–rural value (yuan)": "城乡对接金额（元）",
    "Volunteers, professionals, 三报到 and the urban–rural board": "志愿者、专业力量、三报到与城乡资源共享",
    "Resources": "资源链接", "My “+” matters": "我参与的事项（“+”）", "因事而邀 · 一事一议": "因事而邀 · 一事一议",
    "Matters about our estates": "本物业小区的事项", "物业 · 信息共享": "物业 · 信息共享", "三报到": "三报到",
    "Register and record activities": "报到并记录活动", "Advise": "提供意见", "Mediate": "调解", "Handle": "办理", "Witness": "见证",
    "Unit member": "本组成员", "Registered official (三报到)": "报到干部（三报到）", "Volunteer": "志愿者", "Professional": "专业力量",
    "Outside member": "外出人员", "Resident concerned": "相关居民", "Elder care (助老)": "助老", "Legal (法律)": "法律服务",
    "Medical (医疗义诊)": "医疗义诊", "Environment (环境)": "环境卫生", "Public-order patrol (治安巡逻)": "治安巡逻",
    "Emergency (应急)": "应急救援", "Charity (爱心公益)": "爱心公益", "Youth education (青少年教育)": "青少年教育",
    "role on the matter": "在事项中的角色", "drawn from": "来源", "drawn in at": "吸纳时间", "ended at": "结束时间",
    "“+” member of a matter": "事项“+”成员", "“+” members of matters": "事项“+”成员", "Progress note": "进展记录",
    "Property company's answer": "物业答复", "note": "备注", "at": "时间", "Waiting for the community": "待社区确认",
    "Confirmed": "已确认", "Withdrawn": "已撤回", "status": "状态", "services offered": "可提供的服务", "available times": "可服务时段",
    "assigned to unit": "分配到的一组一会", "Research (调研)": "调研", "Volunteer service": "志愿服务", "Pairing with households (结对)": "结对帮扶",
    "“+” member on a matter": "作为“+”成员参与事项", "kind": "类型", "on": "日期", "hours": "时长", "name": "名称",
    "community or village": "社区或村", "service type": "服务类型", "leader": "队长", "volunteer team": "志愿服务队",
    "volunteer teams": "志愿服务队", "joined": "加入日期", "Open": "待办", "Team dispatched": "已派队", "Done": "已完成",
    "Cancelled": "已取消", "title": "标题", "address": "地址", "wanted times": "需要的时段", "Community police": "社区民警",
    "Legal adviser": "法律顾问", "Property company": "物业公司", "area served": "服务区域", "estates": "服务小区",
    "professional": "专业力量", "professionals": "专业力量", "Agricultural training (农业技术培训)": "农业技术培训",
    "Investment (招商引资)": "招商引资", "Product sales (产品销售)": "产品销售", "Opportunity for villagers": "为乡亲提供的机会",
    "village": "村", "where": "所在地", "work, trade or study": "务工、经商或求学", "how to reach": "联系方式", "can offer": "可提供",
    "consent given at": "同意登记时间", "outside member": "外出人员", "outside members": "外出人员", "Matched": "已匹配",
    "Fulfilled": "已落实", "Closed": "已关闭", "detail": "详情", "outcome": "成效", "value (yuan)": "金额（元）",
    "You may not do this here": "您无权在此操作", "Give the “+” member's name": "请填写“+”成员姓名",
    "Choose the role on the matter": "请选择在事项中的角色", "Say where the “+” member comes from": "请说明“+”成员的来源",
    "%(name)s is already drawn into this matter": "%(name)s 已参与此事项", "Matter #%(pk)s: %(title)s": "事项 #%(pk)s：%(title)s",
    "You were drawn into a matter as a “+” member": "您已作为“+”成员受邀参与一件事项", "Write the note": "请填写进展记录",
    "Write the answer": "请填写答复", "Unknown service: %s": "未知服务：%s", "Choose how you register": "请选择报到类别",
    "Register at a community, village, street or township": "请在社区、村、街道或乡镇报到",
    "Choose at least one service you can offer": "请至少选择一项可提供的服务", "Choose the times you can serve": "请选择可服务时段",
    "You are already registered there": "您已在该处报到", "Only a waiting registration can be confirmed": "只能确认待确认的报到",
    "Assign to a unit of this community": "请分配到本社区的一组一会", "Your registration (报到) was confirmed": "您的报到已确认",
    "Give the hours as a number": "时长请填写数字", "Hours are between 0 and 24 a day": "每天时长应在0到24小时之间",
    "The community has not confirmed this registration": "社区尚未确认此报到", "Choose the kind of activity": "请选择活动类型",
    "Record what was done, not what is planned": "请记录已完成的活动，而非计划",
    "A team belongs to a community, village, street or township": "服务队应隶属于社区、村、街道或乡镇",
    "Choose the team's service type": "请选择服务队的服务类型", "Name the team": "请填写服务队名称",
    "Choose the times the volunteer can serve": "请选择志愿者可服务时段", "Choose the service needed": "请选择所需服务",
    "Choose when help is needed": "请选择需要帮助的时段", "Describe the need": "请描述需求",
    "Dispatch the team on a matter or a need": "请把服务队派往一件事项或一项需求", "This team is not active": "该服务队已停用",
    "This team is already on the matter": "该服务队已在处理此事项", "%(name)s is not in this team": "%(name)s 不在该服务队",
    "Give the hours served": "请填写服务时长", "Hours are logged between the dispatch and today": "服务日期应在派出之日与今天之间",
    "Choose the kind of professional": "请选择专业力量类型",
    "A police officer or legal adviser is a person: choose them": "民警或法律顾问须对应具体人员，请选择",
    "Estates must lie in the area served": "服务小区须在服务区域内", "Give the name": "请填写名称",
    "Supervisors watch a property company": "监督员监督的是物业公司", "This unit is not one of the company's estates": "该一组一会不在此物业公司的服务小区中",
    "The supervisor is drawn from the unit": "监督员须从本一组一会中产生", "Outside members are kept by their village": "外出人员由其所在村登记",
    "Record their consent first: nobody is listed without it": "请先记录本人同意：未经同意不得登记",
    "Say where they are": "请填写所在地", "Say what they do": "请填写从事的工作", "Say how to reach them": "请填写联系方式",
    "This person withdrew their consent": "此人已撤回同意", "Offers go to the member's own village": "供给只能发布到本人家乡村",
    "Choose the kind": "请选择类型", "Give a title": "请填写标题", "Match a village need with an offer": "请把村里的需求与一项供给匹配",
    "The offer comes from another village": "该供给来自其他村", "This need or offer is closed": "该需求或供给已关闭",
    "Already matched": "已匹配过", "Give the value as a number": "金额请填写数字", "The value cannot be negative": "金额不能为负",
    "Record the outcome": "请记录成效", "Times (none ticked = any time)": "时段（不勾选即任何时段）", "am": "上午", "pm": "下午",
    "eve": "晚上", "Urban–rural board": "城乡资源共享", "Linked resources": "资源链接", "Needs of the village": "村里的需求",
    "Nothing here.": "暂无内容。", "Offers and opportunities": "供给与机会", "Matches": "对接", "Outcome": "成效",
    "Value (yuan)": "金额（元）", "Record as fulfilled": "记为已落实", "People from the village outside": "在外乡亲",
    "Publish a need": "发布需求", "Kind": "类型", "Title": "标题", "Detail": "详情", "Publish": "发布", "Record an offer": "登记供给",
    "From": "来自", "Match": "匹配", "Need": "需求", "Offer": "供给", "Add a person from the village": "登记在外乡亲", "Name": "姓名",
    "Where": "地点", "Work, trade or study": "务工、经商或求学", "How to reach": "联系方式", "Can offer": "可提供",
    "They agreed to be listed": "本人同意登记", "Add": "添加",
    "The “+” of 一组一会+: people drawn in per matter, 三报到 officials, volunteer teams, professionals and the urban–rural board.":
        "一组一会的“+”：因事吸纳的临时成员、三报到干部、志愿服务队、专业力量和城乡资源共享。",
    "My volunteer teams": "我的志愿服务队", "三报到: register and record activities": "三报到：报到并记录活动", "Professionals": "专业力量",
    "三报到 registrations": "三报到登记", "Reports to organisations": "向所在单位的报告", "Resource measures": "资源链接指标",
    "The matter": "事项详情", "Contact": "联系人", "“+” members": "“+”成员", "End": "结束", "Nobody drawn in yet.": "尚未吸纳成员。",
    "Teams on this matter": "参与此事项的服务队", "Hours": "时长", "Log hours": "登记时长", "Notes": "进展记录", "answer": "答复",
    "No notes yet.": "暂无记录。", "Add note": "添加记录", "Answer as the property company": "以物业公司身份答复", "Answer": "答复",
    "Draw people in": "吸纳“+”成员", "Suggested by the category": "按事项类别推荐", "Draw in": "吸纳", "members": "名成员",
    "Dispatch team": "派出服务队", "No suggestion for this category.": "此类别暂无推荐。", "Person of the unit": "本组人员",
    "or a newcomer's name": "或新成员姓名", "Phone": "电话", "Drawn from": "来源", "Role on the matter": "在事项中的角色",
    "Ask for volunteers": "请求志愿服务", "Service": "服务", "Record the need": "登记需求", "My scope": "我的辖区", "Show": "显示",
    "per matter": "每件事项", "Teams": "服务队", "Hours to match": "匹配用时（小时）", "Board fulfilled": "城乡对接落实",
    "Volunteer hours by team": "各服务队志愿服务时长", "Suggested teams": "推荐服务队",
    "No team of this service is free then.": "该时段没有此类服务队有空。", "Suggested volunteers": "推荐志愿者",
    "Suggested professionals": "推荐专业力量", "Area served": "服务区域", "Matters": "事项数", "Activity": "活动", "Note": "备注",
    "Record": "记录", "Withdraw": "撤回", "Register": "报到", "Find the community or village": "查找社区或村", "Search": "查找",
    "As": "身份", "Employer": "工作单位", "Services I can offer": "我可提供的服务",
    "Your account is not linked to a person record: ask your community.": "您的账号尚未关联人员信息，请联系社区。",
    "All": "全部", "Services": "服务", "Status": "状态", "Activities": "活动", "Confirm": "确认", "Members": "成员", "Leader": "队长",
    "Sent on": "派出记录", "Open needs nearby": "附近待响应的需求", "Leaves": "退出", "Add a volunteer": "添加志愿者",
    "Person number": "人员编号", "Team leader": "队长", "Team": "服务队", "Drawn in": "已吸纳", "Ended": "已结束",
    "Note added": "已添加记录", "Answered": "已答复", "Need recorded": "已登记需求", "Hours logged": "已登记时长",
    "Volunteer added": "已添加志愿者", "Volunteer left the team": "志愿者已退出服务队",
    "Registered: the community will confirm": "已报到，等待社区确认", "Recorded": "已记录", "Outside member recorded": "已登记在外乡亲",
    "Published": "已发布", "Recorded as fulfilled": "已记为落实",
    'The leader is an active member of the team': '队长须是服务队的在册成员',
    'Teams are sent within their own district': '服务队只在本区（县）内派出',
    'This team is already on the need': '该服务队已在处理此需求',
    'A professional serves a district, street, community or village': '专业力量的服务区域为区县、街道乡镇、社区或村',
    'Only a property company has staff here': '只有物业公司在此登记工作人员',
    'Only a property company has estates': '只有物业公司有服务小区',
    'This link is not valid any more: ask your village for a new one': '此链接已失效：请向村里索取新链接',
    '“+” progress note': '“+”成员进展记录',
    '“+” member drawn in': '吸纳“+”成员',
    'Volunteer team dispatched': '派出志愿服务队',
    '“+” members and resources': '“+”成员与资源',
    'New personal link': '重新生成专属链接',
    'Personal link': '专属链接',
    'Revoke the link': '作废链接',
    'Needs for volunteers': '志愿服务需求',
    'Cancel the need': '取消需求',
    "A unit's need": '本组需求',
    'Unit': '一组一会',
    'Place (shown to volunteers only once a team is sent)': '地点（派出服务队后才向志愿者显示）',
    'Your consent is withdrawn: you are off the board. Thank you.': '您已撤回同意，已从资源共享平台移除。谢谢！',
    'Hello %(name)s: this is your personal page for your home village. Keep the link to yourself.': '%(name)s您好：这是您与家乡村对接的专属页面，请勿转发此链接。',
    'What the village needs': '村里的需求',
    'Offer something': '我能提供',
    'My offers': '我的供给',
    'Leave the board': '退出资源共享',
    'Your entry and open offers are removed and this link stops working.': '您的登记信息和未对接的供给将被移除，此链接随即失效。',
    'Withdraw my consent': '撤回我的同意',
    'Stood down': '已停用',
    'Person': '人员',
    'Matters drawn into': '参与的事项',
    'Estates': '服务小区',
    'Choose the estates': '选择服务小区',
    'Save': '保存',
    'Company staff (answer the matters of the estates)': '公司工作人员（答复服务小区的事项）',
    'Find a person by name': '按姓名查找人员',
    'Add to the staff': '加为工作人员',
    'Property supervisors (物业监督员)': '物业服务质量监督员',
    'since': '起始',
    'A member or resident of the unit': '本组成员或居民',
    'Appoint supervisor': '聘任监督员',
    'Stand down': '停用',
    'Back in service': '恢复启用',
    'Register a professional': '登记专业力量',
    'Find the person by name (police officer, legal adviser)': '按姓名查找人员（民警、法律顾问）',
    "Name (a company's name, or how the person is listed)": '名称（公司名称，或人员的显示名称）',
    'Nobody of that name in your area.': '您的辖区内没有此姓名的人员。',
    'or a newcomer: name': '或登记新人员：姓名',
    'Times and role': '时段与角色',
    'Save times': '保存时段',
    'Make leader': '设为队长',
    'Edit the team': '编辑服务队',
    'Active': '在用',
    'New team': '新建服务队',
    'Community or village': '社区或村',
    'Service type': '服务类型',
    'Create the team': '创建服务队',
    'Team created': '服务队已创建',
    'Leader chosen': '已设为队长',
    'Times saved': '时段已保存',
    'Saved': '已保存',
    'Registered': '已登记',
    'Supervisor appointed': '监督员已聘任',
    'Personal link made: send it to them (it replaces any earlier link)': '专属链接已生成：请通过短信或微信发给本人（原链接随即失效）',
    'Link for %(name)s: %(url)s': '%(name)s的专属链接：%(url)s',
    'Link revoked': '链接已作废',
    'Your consent is withdrawn: you are off the board': '您已撤回同意，已从资源共享平台移除',
    'Published: your village will be in touch': '已发布：村里会与您联系',
    'Choose a person': '请选择人员',
}


def main() -> None:
    po_path = Path(__file__).parent / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Project-Id-Version"] = "yizuyihui resources"
    po.metadata["Language-Team"] = "zh-hans"
    po.metadata_is_fuzzy = False
    po.header = "Chinese (Simplified) translations of the resources app (一组一会+)."
    missing = []
    for entry in po:
        if entry.msgid in ZH:
            entry.msgstr = ZH[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr:
            missing.append(entry.msgid)
    po.save()
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    if missing:
        raise SystemExit(f"untranslated: {missing}")


if __name__ == "__main__":
    main()
