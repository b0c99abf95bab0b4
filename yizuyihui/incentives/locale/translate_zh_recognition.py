"""zh-Hans for honours, thank-you letters and the reports to the organisation department (merged
into translate_zh.ZH; kept apart so the catalogues of the app's parts are edited separately)."""

ZH_RECOGNITION = {
    "Honours, letters and reports": "荣誉·感谢信·报告", "荣誉 · 感谢信 · 组织部门报告": "荣誉 · 感谢信 · 组织部门报告",
    "Honours (荣誉)": "荣誉评选", "Thank-you letters (感谢信)": "感谢信", "Reports to the organisation department":
        "向组织部门报告", "Roll of honour (光荣榜)": "光荣榜", "%(title)s is awarded %(period)s": "“%(title)s”%(period)s评选", "Each quarter": "按季度", "Each year": "按年度", "Awarded": "已授予", "Not awarded": "未授予",
    "That period has not begun": "该期间尚未开始", "Only the community or the street proposes its honours":
        "只有社区或街道可以提名本辖区的荣誉", "This title is no longer awarded": "该荣誉称号已停用",
    "Only the community confirms its honours": "荣誉须由社区确认", "Say why": "请填写理由",
    "Only the city's administrators edit the honour titles": "只有市级管理员可以修改荣誉称号", "Name the title": "请填写称号名称",
    "Choose the measure and the period": "请选择评选依据和周期", "The minimum must be a number": "最低标准应为数字",
    "How many per unit must be a whole number": "每组名额应为整数",
    "The minimum must be positive and 1 to 50 per unit": "最低标准须大于0，每组名额为1至50",
    "Unknown title": "未知的称号", "A title of that name exists": "已有同名称号",
    "Only the community or the street issues its thank-you letters": "只有社区或街道可以出具本辖区的感谢信",
    "Letters are issued per quarter": "感谢信按季度出具",
    "A quarter's letters are issued once the quarter has ended": "季度结束后方可出具该季度的感谢信",
    "Choose a quarter or a year": "请选择季度或年度", "Household's points in the period": "家庭本期积分",
    "Points earned in the period": "本期获得积分", "Volunteer hours in the period": "本期志愿服务时长",
    "Council meetings attended in the period": "本期参加议事会次数", "title": "称号", "measure": "评选依据",
    "at least": "最低标准", "per unit": "每组名额", "honour title": "荣誉称号", "Proposed": "待确认", "rank": "排名", "status": "状态", "reason": "理由", "honour": "荣誉", "issued by": "出具单位",
    "quarter": "季度", "employer": "工作单位", "number": "编号", "hours": "小时", "issued at": "出具时间",
    "thank-you letter": "感谢信", "Excellent": "优秀", "Competent": "称职", "Basically competent": "基本称职",
    "Not competent": "不称职", "grade": "等次", "assessment": "评价", "community's assessment": "社区评价",
    "%(unit)s: a dispute mediated (details withheld)": "%(unit)s：参与调处矛盾纠纷一件（详情不公开）",
    "Volunteer service with %(team)s": "随%(team)s开展志愿服务", "Official sent down": "下沉干部",
    "Registered Party member": "在职党员", "Only the community or the street reports on its own officials":
        "只有社区或街道可以报告本辖区报到人员情况", "Choose a grade": "请选择评价等次",
    "Keep the assessment under 1,000 characters": "评价请控制在1000字以内", "This person is not registered here": "此人未在本辖区报到",
    "Summary by employer": "汇总", "Employer": "工作单位", "People": "人数", "Hours": "服务时长（小时）", "Matters": "参与事项",
    "Meetings": "参加会议", "Households paired": "结对户次",
    "Participation rewarded from the record: honours for residents, thank-you letters to the employers of people from "
    "other units, reports to the organisation department.":
        "依据平台记录激励参与：为居民评选荣誉，向外单位人员所在单位致感谢信，向组织部门报告下沉干部和在职党员表现。",
    "proposed from the record, confirmed by the community, shown on the unit's board": "依记录提名，社区确认后在光荣榜公示",
    "%(n)s waiting": "%(n)s 项待确认", "issue the letters of %(q)s": "出具%(q)s感谢信",
    "%(n)s letter in the register": "登记簿中 %(n)s 封", "officials sent down and registered Party members, with the "
    "community's assessment": "下沉干部和报到在职党员服务情况及社区评价", "No honours confirmed yet.": "暂无经确认的荣誉。",
    "Honour titles": "荣誉称号", "Each title is proposed from one measure of the record, per period, to at most so many "
    "per unit.": "每个称号按一项记录指标、每期评选，每组不超过规定名额。", "Title": "称号", "Measure": "评选依据",
    "At least": "最低标准", "Per unit": "每组名额", "New title": "新增称号", "Community or street": "社区或街道", "Show": "查看",
    "Candidates are proposed from the record (points, volunteer hours, council meetings attended); nothing is shown on a "
    "unit's board until the community confirms it.": "候选人依据记录（积分、志愿服务时长、参加议事会次数）提名；经社区确认后才在光荣榜公示。",
    "Propose from the record": "依据记录提名", "Candidates and decisions": "候选与确认", "Unit": "一组一会", "Name": "姓名",
    "Status": "状态", "Confirm": "确认", "Reject": "不通过", "Board": "光荣榜", "Thank-you letter": "感谢信",
    "Due for %(q)s · %(n)s": "%(q)s待出具 · %(n)s", "%(n)s line": "%(n)s 条记录",
    "Issue %(n)s letter": "出具全部 %(n)s 封感谢信",
    "No letter is due: everyone who did something this quarter has had their letter, or nothing was recorded.":
        "暂无待出具的感谢信：本季度有记录的人员均已出具，或本季度无记录。",
    "%(n)s person took part but has no employer on record (三报到 registration): no letter.":
        "另有 %(n)s 人参与但未登记工作单位（三报到），不出具感谢信。",
    "Register of letters sent": "感谢信登记簿", "Number": "编号", "Issued": "出具日期", "PDF": "PDF", "XLSX": "Excel",
    "%(n)s person": "%(n)s 人", "Registered at": "报到地点", "Not registered (三报到)": "未报到（三报到）", "Grade": "评价等次",
    "Community's assessment": "社区评价", "Nobody is registered here.": "本辖区暂无报到人员。",
    "%(n)s letters issued": "已出具 %(n)s 封感谢信", "%(n)s candidates proposed": "已提名 %(n)s 名候选",
    "Report on officials sent down and registered Party members": "下沉干部和在职党员报到服务情况报告",
    "Confirmed": "已确认", "Rejected": "未通过", "Category": "类别", "Registered on": "报到日期", "Other activities": "其他服务", "Quarter": "季度", "Period": "期间",
    "Full name": "姓名", "Title of honour": "称号", "Grid or natural village": "网格/自然村", "Hours served": "服务时长（小时）",
    "Matters taken part in": "参与事项", "Meetings attended": "参加会议", "%(n)s hours": "%(n)s 小时",
    "title of honour": "称号", "hours served": "服务时长（小时）", "issued": "出具", "Download PDF": "下载 PDF",
    "reason not awarded": "未授予理由",
    "rank %(r)s": "第%(r)s名",
}
