"""Fill the accounts app's zh-Hans catalogue and compile it (run after `makemessages` in yizuyihui/accounts).

Strings the project catalogue (yizuyihui/locale) already translates are taken from it; the rest are here."""

from pathlib import Path

from yizuyihui.core.catalogue import fill

ZH = {
    'Sign up': '注册',
    'Sign-up code': '注册验证码',
    'Login code': '登录验证码',
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


if __name__ == "__main__":
    fill(Path(__file__).parent, ZH)
