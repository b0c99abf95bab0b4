"""Fill the emergency app's zh-Hans catalogue and compile it.

Run after `makemessages` (templates linked in as tpl_link, see the meetings app):
`.venv/bin/python yizuyihui/emergency/locale/translate_zh.py`. Unknown strings are reported, not guessed.
"""

from pathlib import Path

from yizuyihui.core.catalogue import fill

ZH = {
    "Emergency coverage: %(place)s, %(kind)s": "应急覆盖：%(place)s·%(kind)s",
    "Households reached / tasks, under %(place)s": "%(place)s 范围内已到达户数 / 任务数",
    "Calm and urgent": "平急转换", "Emergency mode": "应急状态",
    "平急转换 · tasks to full coverage": "平急转换 · 任务全覆盖",
    "Epidemic": "疫情", "Flood": "汛情", "Fire": "火灾", "Geological disaster": "地质灾害", "Other emergency": "其他突发事件",
    "Level I (most severe)": "Ⅰ级（特别重大）", "Level II": "Ⅱ级（重大）", "Level III": "Ⅲ级（较大）", "Level IV": "Ⅳ级（一般）",
    "In emergency mode": "应急状态", "Back to normal": "已恢复常态", "scope": "范围", "type": "类型", "level": "级别",
    "reason": "事由", "status": "状态", "inside emergency": "所在上级应急", "switched by level": "启动层级",
    "started at": "启动时间", "ended at": "结束时间", "note on switching back": "转回常态说明", "after-action review": "复盘",
    "emergency": "应急状态", "emergencies": "应急状态", "Community command": "社区指挥部", "Grid command": "网格指挥",
    "Building": "楼栋", "Proposed by the unit": "一组一会推荐", "Confirmed by the branch": "党支部已确认",
    "Not confirmed": "不予确认", "place": "地点", "command level": "指挥层级", "person": "人员", "identity": "身份",
    "proposed by unit": "推荐单元", "state": "状态", "command post": "指挥岗位", "command posts": "指挥岗位",
    "Door-to-door check": "入户排查", "Supply delivery": "物资配送", "Care for special people": "特殊人群关爱",
    "To do": "待办", "Done": "已完成", "Handed over to normal work": "已移交常态工作", "Closed at switch-back": "转常态时关闭",
    "Reached, all well": "已入户，情况正常", "Reached, need found": "已入户，发现需求", "Nobody at home": "家中无人",
    "Refused": "拒绝", "Medicine": "药品", "Food and daily goods": "食品和生活物资", "Medical transport": "就医转运",
    "Other need": "其他需求", "task": "任务", "household": "住户", "result": "结果", "note": "备注", "photo": "照片",
    "need": "需求", "emergency task": "应急任务", "emergency tasks": "应急任务", "day": "日期", "daily report": "日报",
    "daily reports": "日报", "Households": "户数", "Reached": "已到达", "Tasks": "任务数", "Tasks done": "已完成任务",
    "Needs open": "未办结需求", "Needs met": "已满足需求", "Overdue": "超期", "Daily report": "日报", "Place": "地点",
    "Coverage %": "覆盖率 %", "Note": "备注",
    "Switched to emergency mode: %(kind)s, level %(level)s": "启动应急状态：%(kind)s，%(level)s 级",
    "%(place)s switched inside: %(kind)s": "%(place)s 在其中启动：%(kind)s",
    "First household reached": "首户入户完成", "Full coverage of door-to-door checks": "入户排查全覆盖",
    "Back to normal mode": "恢复常态", "Door-to-door coverage by day": "每日入户排查覆盖率",
    "Needs raised by kind": "各类需求数量", "You may not do this here": "您无权在此操作",
    "Unknown emergency type": "未知应急类型", "Unknown emergency level": "未知应急级别", "Give a reason": "请填写事由",
    "This scope is already in this emergency": "该范围已处于此类应急状态", "Emergency mode: %(place)s, %(kind)s":
        "启动应急状态：%(place)s·%(kind)s", "This emergency has already ended": "此应急状态已结束",
    "Back to normal mode: %(place)s": "恢复常态：%(place)s",
    "The emergency is over; the after-action review is on the council's agenda.": "应急状态已结束，复盘已列入议事会议题。",
    "After-action review: %(kind)s, %(start)s–%(end)s": "复盘：%(kind)s（%(start)s—%(end)s）",
    "Review the emergency response: coverage, needs and response times, people mobilised, issues raised. "
    "Review PDF: %(url)s": "复盘应急处置：覆盖情况、需求与响应时间、动员人员、发现的问题。复盘报告：%(url)s",
    "Command posts are at the community, grid and building levels": "指挥岗位设在社区、网格和楼栋三级",
    "A unit proposes people for its own grid and buildings": "一组一会只能为本网格及楼栋推荐人员",
    "No unit here": "此处没有一组一会", "Unknown task": "未知任务", "Choose a result": "请选择结果",
    "Choose the need found": "请选择发现的需求", "since": "自", "Command roster": "指挥名册", "My tasks": "我的任务",
    "Needs board": "需求看板", "After-action review (PDF)": "复盘报告（PDF）", "Coverage by place": "各地覆盖情况",
    "Coverage": "覆盖率", "Households not reached, by building": "未到达住户（按楼栋）",
    "Switched inside this one:": "在此范围内启动的应急：", "Generate tasks for every household": "为每户生成任务",
    "Switch back to normal mode": "转回常态", "Note on switching back": "转回常态说明", "Switch back": "转回常态",
    "People told": "已通知人数", "Matters re-timed": "重新计时的事项", "Tasks handed over": "移交任务",
    "Tasks closed": "关闭任务", "Council topics": "议事议题", "Calm and urgent (平急转换)": "平急转换", "Scope": "范围",
    "Type": "类型", "Level": "级别", "Status": "状态", "Started": "启动时间", "inside": "属于",
    "No emergency in your scope.": "辖区内没有应急状态。", "Switch to emergency mode": "启动应急状态", "Reason": "事由",
    "Urgent needs": "紧急需求", "Open": "未办结", "Met": "已满足", "Due": "时限", "Need": "需求", "Unit": "一组一会",
    "overdue": "超期", "Nothing here.": "暂无内容。", "The level’s own note on the day": "本级当日情况说明",
    "Save note": "保存说明", "Printed": "打印于", "After-action review": "复盘报告", "Ended": "结束时间", "hours": "小时",
    "Timeline": "时间线", "Task": "任务", "Handed over": "已移交", "Closed": "已关闭",
    "Needs and response times": "需求与响应时间", "Needs raised": "提出需求", "Still open": "仍未办结",
    "Median hours to first response": "首次响应时长中位数（小时）", "p90 hours to first response": "首次响应时长 P90（小时）",
    "Median hours to resolution": "办结时长中位数（小时）", "p90 hours to resolution": "办结时长 P90（小时）",
    "People mobilised": "动员人员", "Confirmed command posts": "已确认指挥岗位", "People who recorded tasks": "填报任务人数",
    "Issues raised": "发现的问题", "Households never reached": "始终未到达的住户", "Care tasks handed over to normal work":
        "移交常态工作的关爱任务", "Needs still open at switch-back": "转常态时仍未办结的需求",
    "This review is on the agenda of every council in the scope (复盘).": "本复盘已列入范围内各议事会议题。",
    "Three-level grid command": "三级网格指挥", "Every place is staffed": "各点位均已配齐", "Confirmed": "已确认",
    "gap": "空缺", "Confirm": "确认",
    "The community command leads the grid commands; each grid command leads its buildings.":
        "社区指挥部指挥各网格，网格指挥各楼栋。",
    "Propose people": "推荐人员", "Person": "人员", "Role in the command": "指挥职责", "Propose": "推荐",
    "Result": "结果", "Need found": "发现需求", "What is needed": "需要什么", "Photo": "照片", "Record": "提交",
    "Urgent matter": "紧急事项", "All": "全部", "Nothing to do here.": "暂无任务。",
    "Switched to emergency mode; %(n)s people told, %(m)s open matters re-timed.":
        "已启动应急状态：通知 %(n)s 人，%(m)s 件在办事项已按应急时限重新计时。",
    "Back to normal mode. The after-action review is ready.": "已恢复常态，复盘报告已生成。",
    "Proposed; the Party branch confirms.": "已推荐，待党支部确认。", "%(n)s tasks generated.": "已生成 %(n)s 项任务。",
    "Recorded.": "已记录。", "Already recorded.": "已记录过，未重复提交。", "Saved.": "已保存。",
    "Urgent need": "紧急需求",
}
PLURALS = {
    "%(n)s gap": ["%(n)s 处空缺"],
    "%(n)s place without a confirmed commander": ["%(n)s 个点位尚无确认的指挥人员"],
    "%(n)s person": ["%(n)s 人"],
}


if __name__ == "__main__":
    fill(Path(__file__).parent, ZH, PLURALS)
