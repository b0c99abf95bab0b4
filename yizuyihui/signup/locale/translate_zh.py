"""Fill the signup app's zh-Hans catalogue and compile it (run after `makemessages` in yizuyihui/signup).

Strings the project catalogue (yizuyihui/locale) already translates are taken from it; the rest are here."""

from pathlib import Path

import polib

ZH = {
    'Full name': '姓名',
    'The register has another phone number for you: your grid worker will confirm you.': '名册中登记的是您的另一个手机号，需由网格员为您确认。',
    'Grid or village': '网格/自然村',
    'Finish joining': '完成注册',
    'Choose the grid or village you live in': '请选择您居住的网格或自然村',
    'Waiting for your grid worker': '等待网格员确认',
    '%(unit)s will confirm you': '%(unit)s 的网格员将为您确认',
    'Residents asking to join': '居民加入申请',
    'Confirm or turn down': '确认或驳回',
    'Choosing the unit': '选择网格中',
    'Waiting for the grid worker': '等待网格员确认',
    'Matched by ID number': '已按身份证号匹配',
    'Confirmed by the grid worker': '网格员已确认',
    'Turned down by the grid worker': '网格员未通过核实',
    'account': '账号',
    'status': '状态',
    'asked at': '申请时间',
    'decided at': '处理时间',
    'decided by': '处理人',
    'reason': '理由',
    'join request': '加入申请',
    'join requests': '加入申请',
    'This number already has an account. Log in with an SMS code instead.': '该手机号已注册，请直接用短信验证码登录。',
    'Enter your name as on your ID card.': '请填写身份证上的姓名。',
    'The name is longer than 50 characters.': '姓名超过 50 个字。',
    'The ID card number is not valid: 18 characters, check the last one.': '身份证号无效：应为 18 位，请核对最后一位。',
    'A resident with this ID number already has an account. Log in with the SMS code sent to the number on it.': '该身份证号已注册账号，请用该账号绑定的手机号以短信验证码登录。',
    'The name does not agree with the register for this ID number. Check it, or ask your grid worker.': '姓名与该身份证号的登记信息不符，请核对，或联系您的网格员。',
    'A request with this ID number is already waiting for the grid worker.': '该身份证号已有一条申请在等待网格员确认。',
    'This request has already been decided.': '该申请已处理过。',
    'A resident asks to join %(unit)s': '有居民申请加入%(unit)s',
    '%(name)s says they live in %(unit)s. Check and confirm or turn down the request.': '%(name)s 称居住在%(unit)s，请核实后确认或驳回。',
    'Only the grid worker, unit leader or community cadre over the unit may decide.': '只有该网格的网格员、组长或所在社区（村）干部可以处理。',
    'The household is not in this unit.': '该住户不在本网格。',
    'A resident with this ID number already has an account.': '该身份证号的居民已有账号。',
    'Welcome to %(unit)s': '欢迎加入%(unit)s',
    'Your grid worker confirmed you. You can now report matters and rate how they were handled.': '网格员已确认您的身份，现在可以反映事项并对办理结果评价了。',
    'Say why, so the resident knows what to do.': '请填写理由，让居民知道该怎么办。',
    '[Yizuyihui+] Your request to join %(unit)s was not confirmed: %(reason)s': '【一组一会+】您加入%(unit)s的申请未通过：%(reason)s',
    'Asked at': '申请时间',
    'Confirm': '确认',
    'Check or turn down': '核实 / 驳回',
    'A resident asks to join': '居民加入申请',
    'Address': '地址',
    'Status': '状态',
    "Confirm only someone you know lives in the unit (a visit, a call, the household's word).": '请只确认您核实过住在本网格的居民（走访、电话或户主证实）。',
    'Household': '住户',
    'optional': '选填',
    'Not in a listed household': '不在已登记的住户中',
    'Confirm the resident': '确认该居民',
    'Turn down': '驳回',
    'Reason': '理由',
    'e.g. does not live in this grid': '如：不住在本网格',
    'Turn down the request': '驳回申请',
    'Residents: sign up': '居民注册',
    'Code and ID': '验证码和身份证',
    'Done': '完成',
    'We text you a code to check the number is yours. It is not shown to anyone else.': '我们会向该手机号发送验证码，以确认号码属于您。号码不会向他人显示。',
    'Change': '更换',
    'as on your ID card': '与身份证一致',
    "finds your household on the community's register": '用于在社区名册中找到您的住户',
    'Already have an account?': '已有账号？',
    'Your request to join': '我的加入申请',
    'Choose where you live': '选择居住地',
    'The grid worker of %(unit)s has been told. You get a message when they confirm you; then you can report matters.': '已通知%(unit)s的网格员。确认后您会收到消息，之后即可反映事项。',
    'Chose the wrong place? Choose again': '选错了？重新选择',
    'Where do you live?': '您住在哪里？',
    'Tap down to your grid (in town) or natural village (in the countryside). Its grid worker will confirm you.': '逐级点选到您所在的网格（城镇）或自然村（农村），由那里的网格员为您确认。',
    'I live here': '我住这里',
    'Nothing below this level.': '此级以下没有单位。',
    'You asked to join %(unit)s; choosing again moves the request.': '您已申请加入%(unit)s；重新选择会转移申请。',
    'Welcome! You are registered in %(unit)s: you can report matters now.': '欢迎！您已登记在%(unit)s，现在可以反映事项了。',
    "Your ID number is not on your community's register yet. Choose where you live; its grid worker will confirm you.": '社区名册中还没有您的身份证号。请选择居住地，由那里的网格员为您确认。',
    '%(name)s is now a resident of %(unit)s.': '%(name)s 已成为%(unit)s的居民。',
    'The request was turned down; the resident is texted the reason.': '申请已驳回，已短信告知居民理由。',
    'Confirm or turn down the request.': '请确认或驳回该申请。',
    'Sign up': '注册',
    'SMS code': '短信验证码',
    'SMS codes': '短信验证码',
    'Enter your mobile number.': '请输入手机号。',
    'Enter an 11-digit mainland mobile number starting with 1, e.g. 13800138000.': '手机号格式不正确：请输入以 1 开头的 11 位手机号，如 13800138000。',
    'A code was just sent to this number. Ask again in %(seconds)d seconds.': '验证码刚刚已发送到该手机号，请 %(seconds)d 秒后再获取。',
    'Too many codes were asked for from your network. Try again in an hour.': '您所在网络获取验证码的次数过多，请一小时后再试。',
    'Too many codes were asked for this number. Try again in an hour.': '该手机号获取验证码的次数过多，请一小时后再试。',
    '[Yizuyihui+] Your code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone.': '【一组一会+】您的注册验证码是 %(code)s，%(minutes)d 分钟内有效。请勿告诉他人。',
    '[Yizuyihui+] Your login code is %(code)s, valid for %(minutes)d minutes. Do not tell it to anyone.': '【一组一会+】您的登录验证码是 %(code)s，%(minutes)d 分钟内有效。请勿告诉他人。',
    'No code was sent to this number. Ask for a code first.': '尚未向该手机号发送验证码，请先获取验证码。',
    'This code has already been used. Ask for a new one.': '该验证码已使用过，请重新获取。',
    'The code has expired. Ask for a new one.': '验证码已过期，请重新获取。',
    'Too many wrong codes. Ask for a new one.': '验证码错误次数过多，请重新获取。',
    'The code is wrong. %(left)d tries left.': '验证码不正确，还可尝试 %(left)d 次。',
    'A code was sent to %(phone)s. It is valid for %(minutes)d minutes.': '验证码已发送至 %(phone)s，%(minutes)d 分钟内有效。',
    'Log in with an SMS code': '短信验证码登录',
    'A resident without an account?': '还没有账号的居民？',
    'Sign up with your mobile number': '用手机号注册',
    'Mobile number': '手机号',
    'Send the code again': '重新获取验证码',
    'Send me a code': '获取验证码',
    'Log in with a password': '用户名密码登录',
    'No account uses this number. Sign up first.': '该手机号尚未注册，请先注册。',
    'Several accounts use this number: log in with your username and password.': '该手机号关联了多个账号，请用用户名和密码登录。',
}


def main() -> None:
    here = Path(__file__).parent
    project = polib.pofile(str(here.parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    known = {e.msgid: e.msgstr for e in project.translated_entries() if not e.msgid_plural}
    path = here / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        text = ZH.get(entry.msgid) or known.get(entry.msgid)
        if entry.msgid_plural or not text:
            missing.append(entry.msgid)
            continue
        entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = "zh_Hans"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    po.save_as_mofile(str(path.with_suffix(".mo")))
    if missing:
        print("untranslated:", *missing, sep="\n  ")


if __name__ == "__main__":
    main()
