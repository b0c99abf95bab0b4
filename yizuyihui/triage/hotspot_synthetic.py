"""A SYNTHETIC evaluation set for widespread problems: dominant problems in real background.

Issue 18: on real data the project never sees, the two problems that dominate 4,326 messages
(55 and 56 messages, each about one or two named estates) came out split. Such problems name
their place in many ways (full name with the developer's brand, short name, with 区/期/栋,
typos, only the road or only the developer) and their issue in many words. The shipped corpus
has no such problem, so this module holds three, WRITTEN BY HAND for this test (not real
messages; the place names were chosen by the author, two after the examples of the issue):

* D1 — 伊景园滨河苑 (also 滨河苑, 伊景园·滨河苑, 广铁伊景园, 车站北路的楼盘 …): 购房被强制捆绑购买车位;
* D2 — A5区魅力之城小区 (魅力之城, 魅力城, 劳动东路魅力之城 …): 临街门面餐馆油烟、烧烤噪音扰民;
* D3 — 中建江山府 (江山府, 中建·江山府, 云塘路 …): 旁边混凝土搅拌站噪音、粉尘、罐车扰民.

Each message is a hand-written title plus two or three hand-written detail sentences (chosen
in a fixed rotation, so the same sentence recurs, as it does among neighbours who copy each
other). `mixed_items()` mixes them into the real messages of messages_with_replies.csv +
routing_train.csv (background; ids prefixed "bg"/"rt" where they collide) at fixed positions;
`evaluate()` scores the best cluster per problem (precision, recall, F1, rank).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# --------------------------------------------------------------------------- D1: 车位捆绑销售

D1_TITLES = [
    "A市伊景园滨河苑捆绑销售车位",
    "伊景园滨河苑开发商强制业主购买车位",
    "投诉伊景园·滨河苑买房必须买车位",
    "滨河苑购房要求捆绑购买车位是否合法",
    "关于伊景园滨河苑车位捆绑销售的投诉",
    "A7县车站北路伊景园滨河苑强制买车位",
    "滨河苑不买车位就不给签合同",
    "伊景园滨河苑二期车位捆绑问题",
    "请求查处广铁集团伊景园项目捆绑销售车位",
    "伊景园滨河院强制捆绑车位（业主求助）",
    "滨河苑小区开发商车位搭售",
    "伊景园滨河苑购房者被迫购买车位",
    "A市伊景园滨河苑车位15万一个强制购买",
    "广铁集团开发的楼盘强制搭售车位",
    "伊景园滨河苑3栋业主反映车位捆绑",
    "车站北路的楼盘买房要先交车位款",
    "伊景园滨河苑不买车位不给办理网签",
    "再次反映伊景园滨河苑捆绑销售车位",
    "滨河苑一期强卖车位，物价局管不管",
    "伊景园滨河苑以车位捆绑方式变相涨价",
    "投诉伊景园滨河苑销售违规捆绑地下车位",
    "伊景园·滨河苑购房须同时购买车位",
    "滨河苑购房被要求买车位，不买不卖房",
    "广铁伊景园滨河苑车位捆绑销售何时处理",
    "伊景园滨河苑开发商霸王条款：买房送不了车位还得买",
    "伊景园滨河苑的车位必须和房子一起买吗",
    "滨河苑强制消费车位的问题",
    "伊景园滨河苑车位捆绑问题至今未解决",
    "关于滨河苑项目车位捆绑销售的咨询",
    "伊景园滨河苑商品房捆绑车位违反规定",
    "伊景园滨河苑：不买车位就不退定金",
    "A7县伊景园滨河苑开发商捆绑车位",
    "伊景园滨和苑捆绑车位销售",
    "伊景园滨河苑强制购买车位严重侵害购房者权益",
    "滨河苑业主：买房被逼买车位",
    "请住建局管管伊景园滨河苑捆绑卖车位",
    "伊景园滨河苑售楼部强制捆绑车位",
    "广铁集团伊景园滨河苑项目违规销售车位",
    "伊景园滨河苑买房还要加二十万买车位",
    "滨河苑开发商车位与住房捆绑",
    "伊景园滨河苑车位捆绑，业主联名投诉",
    "伊景园滨河苑购房需另付车位款合理吗",
    "车站北路伊景园楼盘捆绑销售车位",
    "伊景园滨河苑强迫购房者买车位",
    "伊景园滨河苑卖房搭车位",
    "滨河苑捆绑车位，首付不够怎么办",
    "伊景园滨河苑车位强制销售",
    "关于伊景园滨河苑车位问题的再次投诉",
    "伊景园滨河苑房车捆绑销售",
    "滨河苑楼盘要求购房同时买车位",
    "伊景园滨河苑捆绑销售车位价格过高",
    "投诉广铁集团伊景园滨河苑车位捆绑",
]
D1_DETAILS = [
    "我们是首批购房者，去售楼部交定金时才被告知必须同时购买一个车位。",
    "车位价格十几万，很多刚需家庭根本负担不起。",
    "开发商说不买车位就不能签购房合同，这是明显的霸王条款。",
    "国家早就规定不得捆绑销售，为什么这里还敢这样做？",
    "销售人员说这是公司统一规定，没有商量余地。",
    "我们多次找开发商协商都没有结果。",
    "希望相关部门尽快调查处理，维护购房者的合法权益。",
    "买房已经掏空了六个钱包，车位又要十五万，实在买不起。",
    "有的业主不买车位，开发商就一直拖着不给网签。",
    "请物价部门和住建部门介入，责令开发商停止违规行为。",
    "车位是否捆绑销售应由购房者自愿选择。",
    "听说其他购房者也遇到同样的情况，已经有几十户了。",
    "售楼部还说车位数量有限，先买先得，不买以后就没有了。",
    "我们没有车，买车位完全没有必要。",
    "请领导给我们一个答复。",
]
# The place written only in the detail (a title without it).
D1_PLACE_IN_DETAIL = {6: "我在伊景园滨河苑买了房子，", 13: "我买的是A7县伊景园滨河苑的房子，", 29: "滨河苑在车站北路，"}

# --------------------------------------------------------------------------- D2: 油烟噪音扰民

D2_TITLES = [
    "A市A5区魅力之城小区临街门面油烟扰民",
    "魅力之城小区楼下餐馆油烟太大",
    "投诉A5区魅力之城商铺油烟直排",
    "魅力之城小区一楼烧烤店噪音扰民",
    "魅力之城楼下夜宵摊吵到凌晨三点",
    "劳动东路魅力之城门面餐饮油烟污染",
    "魅力之城小区临街餐馆排烟问题",
    "A市魅力之城小区油烟噪音严重影响居民生活",
    "魅力城楼下烧烤油烟熏得不能开窗",
    "魅力之城二期底商餐饮扰民",
    "魅力之城的小龙虾店深夜喧哗",
    "请求整治魅力之城小区周边餐饮油烟",
    "魅力之城小区商铺违规开餐馆",
    "A5区魅力之城居民被油烟困扰多年",
    "魅力之城小区楼下的饭店油烟管道直通住户窗口",
    "劳动东路一小区楼下烧烤摊噪音油烟",
    "再次投诉魅力之城小区餐饮油烟扰民",
    "魅力之城商业街餐馆噪声扰民",
    "魅力之城小区楼下大排档占道经营、油烟大",
    "魅力之城3栋楼下餐馆油烟问题",
    "关于魅力之城小区门面油烟扰民的投诉",
    "魅力之城临街门面改餐馆，油烟扰民",
    "魅力之城小区居民夜里被烧烤摊吵得睡不着",
    "A市A5区魅力之城的餐饮油烟没人管",
    "魅力之城小区楼下餐厅排风扇噪音大",
    "魅力之城油烟扰民问题何时解决",
    "魅力之城小区底层商铺餐饮油烟和噪音",
    "魅力之城楼下烧烤店每晚营业到凌晨",
    "投诉魅力之城临街餐饮店油烟",
    "魅力之城小区油烟扰民，环保部门管不管",
    "魅力之城楼下饭馆油烟熏黑了外墙",
    "劳动东路魅力之城商铺餐饮扰民",
    "魅力之城小区楼下夜市噪音扰民",
    "魅力之城的餐馆油烟和噪音让人崩溃",
    "魅力之城小区一楼门面开烧烤，油烟熏人",
    "魅力之城小区居民反映餐饮油烟问题",
    "魅力之城油烟直排，居民不敢开窗",
    "A5区魅力之城小区楼下餐饮噪音",
    "魅力之城门面油烟扰民再次反映",
    "魅力之城楼下宵夜店喧闹",
    "魅力之城小区餐饮油烟问题一直没解决",
    "魅力之城商铺开饭店油烟扰民",
    "魅力之成小区油烟扰民",
    "魅力之城小区楼下烧烤摊油烟噪音双重污染",
    "魅力之城沿街餐馆排油烟",
    "魅力之城小区门面餐饮违规经营扰民",
    "魅力之城楼下的夜宵店太吵了",
    "魅力之城小区油烟噪音投诉无果",
    "魅力之城小区商铺油烟、噪音、垃圾问题",
    "魅力之城小区临街商铺餐饮扰民严重",
]
D2_DETAILS = [
    "小区一楼的门面全部租给了餐馆和烧烤店，油烟直接往楼上飘。",
    "每天晚上烧烤摊营业到凌晨两三点，划拳声、音乐声不断。",
    "家里的窗户一打开全是油烟味，衣服都不敢晾在外面。",
    "老人和小孩晚上根本睡不好觉。",
    "我们向城管和环保部门反映过多次，来了之后过几天又恢复原样。",
    "住宅楼下按规定不能开设产生油烟的餐饮店。",
    "排烟管道就装在住户窗户下面。",
    "希望有关部门彻底整治，还居民一个安静干净的环境。",
    "夏天更严重，外面摆满了桌子，占道经营。",
    "油烟净化器形同虚设，根本没有开。",
    "请问这些餐馆的营业执照和环评是怎么办下来的？",
    "物业说管不了，让我们找政府。",
    "小区里很多业主都有意见，已经联名投诉。",
    "请领导重视，尽快处理。",
]
D2_PLACE_IN_DETAIL = {4: "我住劳动东路魅力之城小区，", 38: "劳动东路的魅力之城小区，"}

# --------------------------------------------------------------------------- D3: 搅拌站噪音粉尘

D3_TITLES = [
    "A2区中建江山府旁搅拌站噪音扰民",
    "江山府小区附近混凝土搅拌站粉尘大",
    "投诉中建·江山府边上的搅拌站日夜生产",
    "江山府业主反映搅拌站噪声严重",
    "中建江山府旁边的混凝土站扰民",
    "云塘路搅拌站噪音粉尘污染",
    "江山府一期旁搅拌站夜间作业扰民",
    "中建江山府附近水泥罐车噪音大",
    "请求搬迁江山府小区旁的混凝土搅拌站",
    "江山府楼盘旁搅拌站灰尘满天飞",
    "A市A2区中建江山府搅拌站污染",
    "中建江山府小区业主被搅拌站困扰",
    "江山府对面搅拌站半夜施工",
    "云塘路混凝土搅拌站扰民严重",
    "中建江山府周边搅拌站扬尘",
    "江山府旁搅拌站什么时候能搬走",
    "中建江山府附近混凝土公司噪音",
    "江山府小区被搅拌站噪音粉尘包围",
    "关于中建江山府旁搅拌站的投诉",
    "江山府二期旁边搅拌站违规生产",
    "中建江山府旁的搅拌站罐车漏浆",
    "江山府业主：搅拌站吵得孩子没法学习",
    "投诉云塘路的混凝土搅拌站",
    "中建江山府附近搅拌站无证经营",
    "江山府小区旁混凝土站灰尘大",
    "中建江山府搅拌站噪音扰民再次反映",
    "江山府附近搅拌站凌晨还在作业",
    "中建·江山府旁搅拌站粉尘污染严重",
    "江山府小区旁的水泥搅拌站",
    "中建江山府周边混凝土搅拌站噪声",
    "江山府业主要求关停搅拌站",
    "中建江山府旁搅拌站环评有没有",
    "江山府小区搅拌站扰民问题",
    "中建江山府楼下就是搅拌站",
    "江山府旁搅拌站夜间噪音超标",
    "云塘路江山府旁边的搅拌站",
    "中建江山府附近搅拌厂粉尘",
    "江山府小区附近搅拌站罐车扰民",
    "中建江山府搅拌站问题一直没解决",
    "江山府的业主被搅拌站折磨",
    "中建江山府旁混凝土站日夜轰鸣",
    "江山府小区旁搅拌站严重影响生活",
    "中建江三府旁搅拌站噪音",
    "江山府附近搅拌站灰尘噪音双重污染",
    "中建江山府旁边混凝土搅拌站违规",
    "江山府小区居民投诉搅拌站",
    "中建江山府业主联名投诉搅拌站",
    "江山府周围的搅拌站能不能管一管",
    "A2区江山府小区旁搅拌站扬尘噪音",
    "中建江山府搅拌站扰民",
]
D3_DETAILS = [
    "小区旁边的混凝土搅拌站从早到晚不停生产，机器轰鸣声很大。",
    "晚上十一二点了罐车还在进进出出，根本睡不着。",
    "粉尘很大，阳台上每天都是一层灰，窗户都不敢开。",
    "家里有老人小孩，呼吸道都出了问题。",
    "搅拌站离住宅楼不到一百米，这合规吗？",
    "我们多次打电话给环保部门，每次来检查后没两天又照旧。",
    "罐车经过的路上全是泥浆，下雨天一片泥泞。",
    "请问这个搅拌站有没有环评手续？",
    "希望政府尽快让搅拌站搬迁。",
    "买房的时候开发商说旁边的搅拌站很快就会拆，现在都交房了还在。",
    "夜间施工有没有审批？",
    "请领导重视，给我们一个安静的生活环境。",
    "很多业主已经联名投诉了。",
]
D3_PLACE_IN_DETAIL = {5: "我们是中建江山府的业主，", 22: "江山府就在云塘路边上，"}


# Messages whose title names no place: the place (in one of its forms) is in the detail only, or
# nowhere but the road or the developer.
GENERIC = {
    "D1": [("投诉开发商捆绑销售车位", "我是伊景园滨河苑的准业主，"),
           ("购房被强制购买车位怎么办", "A市伊景园·滨河苑项目，"),
           ("买房要求必须购买车位是否合法", "滨河苑售楼部告诉我们，"),
           ("开发商强卖车位，请求处理", "广铁集团在车站北路开发的楼盘，"),
           ("车位捆绑销售问题", "伊景园滨河苑二期的购房户反映，"),
           ("不买车位不给交房", "车站北路那个楼盘，"),
           ("强烈要求查处捆绑销售车位行为", "本人在伊景园滨河苑购房，"),
           ("请问购房时捆绑车位合法吗", "滨河苑的开发商广铁集团，"),
           ("房子和车位捆在一起卖", "我们伊景园小区的业主，"),
           ("关于强制购买车位的投诉", "伊景园滨河苑3栋的业主们，")],
    "D2": [("楼下餐馆油烟太大，无法开窗", "我住在魅力之城小区，"),
           ("烧烤摊噪音扰民，夜夜难眠", "A5区魅力之城小区楼下，"),
           ("住宅楼下开餐馆合法吗", "魅力之城临街的门面，"),
           ("餐饮油烟直排居民窗口", "劳动东路魅力之城，"),
           ("夜宵店每天吵到凌晨", "我们小区（魅力之城）楼下，"),
           ("油烟扰民问题", "劳动东路这边小区楼下的门面，"),
           ("小区底商全变成了餐馆", "魅力之城小区二期，"),
           ("请求整治楼下烧烤店", "A市A5区魅力之城，"),
           ("临街门面油烟噪音严重", "本人是魅力之城的业主，"),
           ("投诉楼下饭店排油烟", "魅力之城小区7栋，")],
    "D3": [("小区旁边搅拌站噪音太大", "我们是中建江山府的业主，"),
           ("混凝土搅拌站粉尘污染", "A2区江山府小区旁边，"),
           ("搅拌站夜间生产扰民", "中建·江山府对面，"),
           ("请求搬迁住宅区旁的搅拌站", "云塘路上的搅拌站离江山府太近，"),
           ("水泥罐车夜里轰鸣", "云塘路一带，"),
           ("搅拌站灰尘太大", "江山府一期的业主反映，"),
           ("投诉混凝土站日夜施工", "中建江山府旁边，"),
           ("搅拌站扰民何时解决", "江山府小区附近，"),
           ("住宅旁边的搅拌站合规吗", "中建集团开发的江山府旁边，"),
           ("搅拌站噪音粉尘严重影响生活", "江山府的居民，")],
}

# Rambling that real messages carry whatever their problem (written by hand, shared by all three).
FILLER = [
    "我是一名普通的上班族，平时工作很忙。",
    "这个问题已经持续了大半年了。",
    "之前也在网上留过言，但是一直没有得到回复。",
    "拨打过12345热线好几次，每次都说会转给相关单位。",
    "作为一个老百姓，我们真的很无奈。",
    "家里老人身体不好，孩子还在上小学。",
    "周边的邻居们也都是敢怒不敢言。",
    "相信政府一定会为老百姓做主。",
    "我们不是无理取闹，只是想讨个说法。",
    "这件事情在业主群里讨论了很久。",
    "有关单位互相推诿，谁都说不归自己管。",
    "现在疫情之后大家收入都受影响，生活压力很大。",
    "我们也理解城市发展需要一个过程。",
    "上个月街道的工作人员来看过一次，说会协调。",
    "媒体也曾经报道过，但是问题依旧。",
    "恳请领导在百忙之中关注一下。",
    "如果再不解决，我们只能继续向上反映。",
    "每天下班回家心情都很糟糕。",
    "附近还有一所幼儿园和一所小学。",
    "这里住了两千多户人家，涉及上万人。",
    "希望能得到公正的处理结果。",
    "以上情况属实，可以随时联系我核实。",
]

# Held out: written AFTER the code was tuned on the messages above, in wording the tuning never
# saw (other aliases, other words for the issue); scored with `synthetic_rows(held_out=True)`.
HELD_OUT = {
    "D1": [("铁路职工定向房伊景园滨河苑车位必须一起买", ""),
           ("滨河苑楼盘地下停车位强行配售", ""),
           ("伊景园滨河苑项目要求业主认购车位", ""),
           ("关于A市滨河苑车位配售的问题", ""),
           ("购房时被要求签车位认购协议", "伊景园滨河苑售楼处，"),
           ("滨河苑开发商变相强迫消费", "车位和房子一起签，"),
           ("伊景园滨河苑车位认购不自愿", ""),
           ("广铁集团定向商品房车位配售", "伊景园滨河苑项目，"),
           ("伊景园滨河苑的车位问题", ""),
           ("滨河苑买房附加条件：认购车位", ""),
           ("投诉伊景园滨河苑售楼处", "要求我们认购车位才能签约，"),
           ("伊景园滨河苑车位配售违规", "")],
    "D2": [("魅力之城门口的烧烤摊每天营业到深夜", ""),
           ("魅力之城商住楼下餐饮店排风口对着卧室", ""),
           ("A5区魅力之城楼下小吃店油烟", ""),
           ("魅力之城底商烧烤烟雾弥漫", ""),
           ("楼下烤串店烟太大", "魅力之城小区，"),
           ("魅力之城的居民苦于楼下排风口", ""),
           ("魅力之城沿街商铺深夜喧闹", ""),
           ("魅力之城楼下的火锅店烟味", ""),
           ("住户楼下开烧烤店，谁来管", "魅力之城小区临街一侧，"),
           ("魅力之城小区门口夜市", ""),
           ("魅力之城小区商铺烟雾污染", ""),
           ("魅力之城楼下串串店扰民", "")],
    "D3": [("江山府东侧商砼站昼夜生产", ""),
           ("中建江山府旁混凝土泵车通宵作业", ""),
           ("江山府小区被商砼站灰尘覆盖", ""),
           ("中建江山府附近的砂石料场", ""),
           ("江山府业主反映水泥厂噪声", ""),
           ("建材厂粉尘飘进小区", "中建江山府的业主，"),
           ("江山府旁边的商砼站能否搬离", ""),
           ("中建江山府周边重型车辆夜间运输", ""),
           ("江山府小区旁边的水泥站", ""),
           ("云塘路的商砼站太吵", "江山府小区，"),
           ("中建江山府对面机器轰隆隆", ""),
           ("江山府居民：商砼站何时关停", "")],
}

PROBLEMS = {
    "D1": ("伊景园滨河苑 车位捆绑销售", D1_TITLES, D1_DETAILS, D1_PLACE_IN_DETAIL),
    "D2": ("魅力之城小区 油烟噪音扰民", D2_TITLES, D2_DETAILS, D2_PLACE_IN_DETAIL),
    "D3": ("中建江山府 搅拌站噪音粉尘", D3_TITLES, D3_DETAILS, D3_PLACE_IN_DETAIL),
}


_GREETINGS = ["", "尊敬的领导：您好！", "", "领导您好，", "", "", "你好！我想反映一个问题。", ""]


def _with_filler(sentences: list[str], seed: int) -> list[str]:
    """Two to four filler sentences around the problem's sentences (fixed by `seed`)."""
    n = 2 + seed % 3
    fill = [FILLER[(seed * 7 + j * 11) % len(FILLER)] for j in range(n)]
    return fill[: n // 2] + sentences + fill[n // 2 :]


def synthetic_rows(*, held_out: bool = False) -> list[dict[str, str]]:
    """The hand-written messages: 留言编号 S<problem><k>, 留言主题, 留言时间, 留言详情, problem
    (with `held_out`, also the held-out messages, 留言编号 H<problem><k>)."""
    rows = []
    for p, (_label, titles, details, in_detail) in PROBLEMS.items():
        start = {"D1": dt.datetime(2019, 6, 3, 9), "D2": dt.datetime(2019, 3, 11, 21),
                 "D3": dt.datetime(2019, 8, 20, 7)}[p]
        for k, title in enumerate(titles):
            n = 2 + k % 2
            sentences = [details[(k * 3 + j * 5) % len(details)] for j in range(n - 1)]
            sentences = _with_filler(sentences, k + 100 * int(p[1]))
            detail = in_detail.get(k, "") + "".join(dict.fromkeys(sentences))
            when = start + dt.timedelta(days=(k * 37) % 120, hours=(k * 5) % 11, minutes=k)
            rows.append({"留言编号": f"S{p}{k:02d}", "留言主题": title, "留言时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                         "留言详情": _GREETINGS[k % len(_GREETINGS)] + detail, "problem": p})
        for g, (title, opener) in enumerate(GENERIC[p]):
            k = len(titles) + g
            sentences = _with_filler([details[(k * 7 + j * 4) % len(details)] for j in range(2)], k + 100 * int(p[1]))
            when = start + dt.timedelta(days=(k * 29) % 120, hours=(k * 3) % 11, minutes=k)
            rows.append({"留言编号": f"S{p}{k:02d}", "留言主题": title, "留言时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                         "留言详情": _GREETINGS[k % len(_GREETINGS)] + opener + "".join(dict.fromkeys(sentences)),
                         "problem": p})
        for h, (title, opener) in enumerate(HELD_OUT[p] if held_out else []):
            k = 200 + h
            sentences = _with_filler([details[(k * 5 + j * 3) % len(details)] for j in range(2)], k + 100 * int(p[1]))
            when = start + dt.timedelta(days=(k * 31) % 120, hours=(k * 7) % 11, minutes=h)
            rows.append({"留言编号": f"H{p}{h:02d}", "留言主题": title, "留言时间": when.strftime("%Y-%m-%d %H:%M:%S"),
                         "留言详情": _GREETINGS[k % len(_GREETINGS)] + opener + "".join(dict.fromkeys(sentences)),
                         "problem": p})
    return rows


def background_rows() -> list[dict[str, str]]:
    """Real messages: messages_with_replies (as shipped in unlabelled.csv) + routing_train."""
    from .csvio import read_rows
    from .routing import DEFAULT_TRAIN_CSV, DEFAULT_UNLABELLED_CSV

    cols = ["留言编号", "留言主题", "留言时间", "留言详情"]
    out, seen = [], set()
    for path in (DEFAULT_UNLABELLED_CSV, DEFAULT_TRAIN_CSV):
        for r in read_rows(path, cols):
            mid = r["留言编号"]
            if mid in seen:
                mid = f"rt{mid}"
            seen.add(mid)
            out.append({c: r[c] for c in cols} | {"留言编号": mid, "problem": ""})
    return out


def mixed_rows(*, held_out: bool = False, background: int | None = None) -> list[dict[str, str]]:
    """Background (the first `background` real messages, default all) with the synthetic messages
    spread through it (fixed positions)."""
    bg = background_rows()[:background]
    syn = synthetic_rows(held_out=held_out)
    out = list(bg)
    step = max(1, len(bg) // (len(syn) + 1))
    for k, r in enumerate(syn):
        out.insert(min(len(out), (k + 1) * step + k), r)
    return out


@dataclass
class Score:
    problem: str
    label: str
    size: int
    rank: int | None
    cluster_label: str
    cluster_size: int
    precision: float
    recall: float
    f1: float


def evaluate(spots, rows) -> list[Score]:
    """Best-matching cluster (F1) per synthetic problem among `spots`."""
    out = []
    for p, (label, *_rest) in PROBLEMS.items():
        members = {r["留言编号"] for r in rows if r.get("problem") == p}
        best = Score(p, label, len(members), None, "", 0, 0.0, 0.0, 0.0)
        for h in spots:
            got = {str(m) for m in h.member_ids}
            hit = len(got & members)
            if hit:
                pr, rc = hit / len(got), hit / len(members)
                f = 2 * pr * rc / (pr + rc)
                if f > best.f1:
                    best = Score(p, label, len(members), h.rank, h.label, len(got), pr, rc, f)
        out.append(best)
    return out


def main() -> None:  # pragma: no cover - `python -m yizuyihui.triage.hotspot_synthetic [--held-out] [--background N]`
    import sys
    import time

    from .cli import items_from_rows
    from .similarity import cluster_hotspots

    args = sys.argv[1:]
    held_out = "--held-out" in args
    background = int(args[args.index("--background") + 1]) if "--background" in args else None
    rows = mixed_rows(held_out=held_out, background=background)
    items = items_from_rows(rows)
    t0, c0 = time.perf_counter(), time.process_time()
    spots = cluster_hotspots(items, top=10000)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"{len(rows)} messages ({len(synthetic_rows(held_out=held_out))} synthetic), {len(spots)} clusters, "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU")
    for h in spots[:5]:
        print(f"  top {h.rank}: {h.label} ({h.size})")
    for s in evaluate(spots, rows):
        held = {r["留言编号"] for r in rows if r.get("problem") == s.problem and r["留言编号"].startswith("H")}
        got = next((set(map(str, h.member_ids)) for h in spots if h.rank == s.rank), set())
        if held:
            print(f"   held-out messages of {s.problem} in its best cluster: {len(held & got)}/{len(held)}")
        print(f"{s.problem} {s.label} ({s.size}): rank {s.rank} '{s.cluster_label}' size {s.cluster_size} "
              f"P {s.precision:.2f} R {s.recall:.2f} F1 {s.f1:.2f}")


if __name__ == "__main__":  # pragma: no cover
    main()
