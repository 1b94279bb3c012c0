"""Built-in demo inbox for agent-tui: the support queue of "Pine & Pebble" (松石户外), a small
online outdoor clothing and gear shop that sells to customers in the UK and in China
(support@pineandpebble.example). This module is plain literal data only. AGENTS are the
support team, CUSTOMERS the people who write in, and SCENARIOS the tickets, each with its
conversation (customer messages, agent replies and internal notes) and status history.
Message and status times are in minutes after the ticket's first message, and
"opened_minutes_ago" places that first message relative to "now", so a generator can build
a fresh, realistic queue on every run. About 40% of the tickets are in Simplified Chinese;
they cover every ticket status, several repeat customers, and tickets that have breached
their SLA, are close to it, or are comfortably inside it.
"""

from __future__ import annotations

AGENTS: list[dict] = [
    {"name": "Dana Li", "email": "dana@pineandpebble.example"},
    {"name": "Sam Okafor", "email": "sam@pineandpebble.example"},
    {"name": "Priya Shah", "email": "priya@pineandpebble.example"},
    {"name": "张伟 Wei Zhang", "email": "wei@pineandpebble.example"},
]

CUSTOMERS: list[dict] = [
    # --- UK customers ---
    {"email": "alice.hartley@example.com", "name": "Alice Hartley",
     "extra": {"city": "Leeds", "orders": ["PP-10442", "PP-10561"], "vip": False}},
    {"email": "tom.whitaker@example.org", "name": "Tom Whitaker",
     "extra": {"city": "Bristol", "orders": ["PP-10401", "PP-10608"], "vip": False}},
    {"email": "meera.nair@mail.example", "name": "Meera Nair",
     "extra": {"city": "Leicester", "orders": ["PP-10579"], "vip": False}},
    {"email": "jamie.oconnor@example.net", "name": "Jamie O'Connor",
     "extra": {"city": "Belfast", "orders": ["PP-10418", "PP-10593"], "vip": False}},
    {"email": "rhys.evans@btinternet.example", "name": "Rhys Evans",
     "extra": {"city": "Cardiff", "orders": ["PP-10548"], "vip": False}},
    {"email": "fiona.mcleod@example.com", "name": "Fiona McLeod",
     "extra": {"city": "Inverness", "orders": ["PP-10389", "PP-10455", "PP-10577"], "vip": True}},
    {"email": "oliver.bennett@example.org", "name": "Oliver Bennett",
     "extra": {"city": "London", "orders": ["PP-10590"], "vip": False}},
    {"email": "hannah.price@example.net", "name": "Hannah Price",
     "extra": {"city": "Manchester", "orders": ["PP-10431"], "vip": False}},
    {"email": "george.ashworth@example.com", "name": "George Ashworth",
     "extra": {"city": "Kendal", "orders": ["PP-10326", "PP-10466"], "vip": True}},
    {"email": "sophie.marsh@example.org", "name": "Sophie Marsh",
     "extra": {"city": "Brighton", "orders": ["PP-10602"], "vip": False}},
    {"email": "ben.kowalski@mail.example", "name": "Ben Kowalski",
     "extra": {"city": "Nottingham", "orders": ["PP-10587"], "vip": False}},
    {"email": "aisha.rahman@example.com", "name": "Aisha Rahman",
     "extra": {"city": "Birmingham", "orders": ["PP-10571"], "vip": False}},
    {"email": "liam.doyle@example.net", "name": "Liam Doyle",
     "extra": {"city": "Glasgow", "orders": ["PP-10512"], "vip": False}},
    {"email": "emma.clarke@sky.example", "name": "Emma Clarke",
     "extra": {"city": "York", "orders": ["PP-10538"], "vip": False}},
    {"email": "dan.fletcher@example.com", "name": "Dan Fletcher",
     "extra": {"city": "Sheffield", "orders": ["PP-10615"], "vip": False}},
    {"email": "nina.patel@example.org", "name": "Nina Patel",
     "extra": {"city": "Cambridge", "orders": ["PP-10427", "PP-10598"], "vip": False}},
    {"email": "harriet.lowe@example.net", "name": "Harriet Lowe",
     "extra": {"city": "Exeter", "orders": ["PP-10609"], "vip": False}},
    {"email": "callum.reid@example.com", "name": "Callum Reid",
     "extra": {"city": "Edinburgh", "orders": ["PP-10520"], "vip": False}},
    {"email": "treasurer@northfell-scouts.example", "name": "Martin Hale",
     "extra": {"city": "Penrith", "orders": [], "vip": False}},
    {"email": "zoe.adeyemi@example.org", "name": "Zoe Adeyemi",
     "extra": {"city": "London", "orders": ["PP-10557", "PP-10583"], "vip": False}},
    {"email": "matt.green@example.net", "name": "Matt Green",
     "extra": {"city": "Keswick", "orders": ["PP-10452"], "vip": False}},
    {"email": "lucy.barnes@mail.example", "name": "Lucy Barnes",
     "extra": {"city": "Oxford", "orders": ["PP-10585"], "vip": False}},
    {"email": "kev.holt@example.com", "name": "Kevin Holt",
     "extra": {"city": "Newcastle", "orders": ["PP-10509", "PP-10611"], "vip": False}},
    {"email": "grace.wu@example.com", "name": "Grace Wu",
     "extra": {"city": "London", "orders": ["PP-10486"], "vip": False}},
    {"email": "ruth.ogden@example.org", "name": "Ruth Ogden",
     "extra": {"city": "Harrogate", "orders": ["PP-10566"], "vip": False}},
    # --- Customers in China ---
    {"email": "lixiaoyu@qq.example", "name": "李晓雨",
     "extra": {"city": "上海", "orders": ["PP-10570"], "vip": False}},
    {"email": "wangfang88@163.example", "name": "王芳",
     "extra": {"city": "北京", "orders": ["PP-10490", "PP-10533"], "vip": False}},
    {"email": "chenhao@126.example", "name": "陈浩",
     "extra": {"city": "杭州", "orders": ["PP-10476"], "vip": False}},
    {"email": "zhaomin@foxmail.example", "name": "赵敏",
     "extra": {"city": "成都", "orders": ["PP-10437", "PP-10574"], "vip": False}},
    {"email": "liuyang_outdoor@qq.example", "name": "刘洋",
     "extra": {"city": "深圳", "orders": [], "vip": False}},
    {"email": "sunli@163.example", "name": "孙丽",
     "extra": {"city": "南京", "orders": ["PP-10505", "PP-10552", "PP-10588"], "vip": False}},
    {"email": "zhoulei@yeah.example", "name": "周磊",
     "extra": {"city": "广州", "orders": ["PP-10563"], "vip": False}},
    {"email": "huangting@qq.example", "name": "黄婷",
     "extra": {"city": "武汉", "orders": ["PP-10541"], "vip": False}},
    {"email": "xuming@163.example", "name": "徐明",
     "extra": {"city": "西安", "orders": ["PP-10595"], "vip": False}},
    {"email": "linxue@qq.example", "name": "林雪",
     "extra": {"city": "厦门", "orders": ["PP-10580"], "vip": False}},
    {"email": "hejun@126.example", "name": "何军",
     "extra": {"city": "重庆", "orders": ["PP-10459"], "vip": False}},
    {"email": "guoqian@foxmail.example", "name": "郭倩",
     "extra": {"city": "苏州", "orders": ["PP-10528", "PP-10600"], "vip": False}},
    {"email": "maxiaodong@163.example", "name": "马晓东",
     "extra": {"city": "昆明", "orders": ["PP-10388", "PP-10521", "PP-10569"], "vip": True}},
    {"email": "tangyi@qq.example", "name": "唐怡",
     "extra": {"city": "长沙", "orders": ["PP-10534", "PP-10592"], "vip": False}},
    {"email": "zhengkai@example.com", "name": "郑凯",
     "extra": {"city": "青岛", "orders": ["PP-10597"], "vip": False}},
    {"email": "yangmeng@163.example", "name": "杨萌",
     "extra": {"city": "天津", "orders": ["PP-10414", "PP-10584"], "vip": False}},
    {"email": "wujiahui@example.org", "name": "吴佳慧",
     "extra": {"city": "上海", "orders": ["PP-10605"], "vip": False}},
    {"email": "hanbing@126.example", "name": "韩冰",
     "extra": {"city": "哈尔滨", "orders": ["PP-10558"], "vip": False}},
]

SCENARIOS: list[dict] = [
    # ------------------------------------------------------------------ new
    {
        "customer": "oliver.bennett@example.org", "opened_minutes_ago": 70,
        "subject": "Charged twice for order PP-10590",
        "tags": ["billing", "double-charge"],
        "priority": "high", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I placed order PP-10590 (the Ridgeline softshell) last night and my banking app shows "
                "two payments of £89.00 to Pine & Pebble, a few minutes apart. I only got one "
                "confirmation email.\n\n"
                "Can you refund the duplicate please? Money's a bit tight this month so I'd rather "
                "not wait weeks for it.\n\n"
                "Thanks,\nOliver"
            )},
        ],
    },
    {
        "customer": "wangfang88@163.example", "opened_minutes_ago": 300,
        "subject": "订单PP-10533还没收到",
        "tags": ["shipping", "late-order"],
        "priority": "normal", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，\n\n"
                "我的订单PP-10533是两周前下的，物流信息停在“已到达上海转运中心”，已经五天没更新了。"
                "上次PP-10490也是拖了很久才到。这次是给我爸买的生日礼物，下周就要用，"
                "麻烦帮我查一下到底在哪里。\n\n"
                "王芳"
            )},
            {"author": "customer", "after": 230, "text": (
                "还有人在吗？能不能先回复一下，至少告诉我有没有在查。\n王芳"
            )},
        ],
    },
    {
        "customer": "tom.whitaker@example.org", "opened_minutes_ago": 20,
        "subject": "Can't log in - reset email never arrives (again)",
        "tags": ["account", "password-reset"],
        "priority": "normal", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "I'm trying to log in to check on order PP-10608 and the password reset email just "
                "never turns up. I've checked spam and waited half an hour.\n\n"
                "The same thing happened a few weeks ago and one of your team sorted it, but I "
                "can't remember what they did.\n\n"
                "Cheers,\nTom"
            )},
        ],
    },
    {
        "customer": "liuyang_outdoor@qq.example", "opened_minutes_ago": 90,
        "subject": "Ridgeline冲锋衣尺码咨询",
        "tags": ["product-question", "sizing"],
        "priority": "low", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，想问一下Ridgeline冲锋衣（男款）的尺码。\n"
                "我身高178，体重72公斤，平时穿国内的L码，肩比较宽。你们是英码，应该选M还是L？"
                "冬天里面想加一件抓绒，会不会紧？\n\n"
                "谢谢！\n刘洋"
            )},
        ],
    },
    {
        "customer": "sophie.marsh@example.org", "opened_minutes_ago": 150,
        "subject": "[Order PP-10602] parcel arrived crushed",
        "tags": ["shipping", "damaged"],
        "priority": "high", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi there,\n\n"
                "My parcel (PP-10602) arrived today with one corner completely caved in. The "
                "Trailhead 2 tent inside looks OK, but one of the poles is bent at the joint and "
                "won't straighten. I've taken photos of the box and the pole.\n\n"
                "We're going camping at the weekend, so I really need a replacement pole (or tent) "
                "before then. What's the quickest option?\n\n"
                "Sophie"
            )},
        ],
    },
    {
        "customer": "huangting@qq.example", "opened_minutes_ago": 150,
        "subject": "退款什么时候到账？",
        "tags": ["refund", "returns"],
        "priority": "normal", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "您好，我上周把订单PP-10541里的徒步裤退回去了（尺码偏小），"
                "快递显示你们已经签收四天了，但是支付宝一直没收到退款。\n"
                "请问一般要多久？麻烦帮忙看一下，谢谢。\n\n"
                "黄婷"
            )},
        ],
    },
    {
        "customer": "kev.holt@example.com", "opened_minutes_ago": 25,
        "subject": "[URGENT] Wrong delivery address on PP-10611",
        "tags": ["address-change", "shipping"],
        "priority": "urgent", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I've just realised order PP-10611 is going to my old flat (14 Jesmond Road). I moved "
                "out last month and forgot to update my account.\n\n"
                "New address: 3 Heaton Grove, Newcastle NE6 5QT.\n\n"
                "The confirmation says it hasn't been dispatched yet, so please can you change it "
                "before it goes out?\n\n"
                "Thanks,\nKevin"
            )},
        ],
    },
    {
        "customer": "nina.patel@example.org", "opened_minutes_ago": 300,
        "subject": "VAT invoice needed for PP-10598",
        "tags": ["invoice", "billing"],
        "priority": "low", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "I bought two fleeces on order PP-10598 for work, and our finance team needs a proper "
                "VAT invoice with the company name (Fenland Ecology Ltd) and our VAT number on it. "
                "They won't accept the order confirmation email.\n\n"
                "Could you send one over? Happy to reply with the VAT number if you need it.\n\n"
                "Many thanks,\nNina"
            )},
        ],
    },
    {
        "customer": "tangyi@qq.example", "opened_minutes_ago": 15,
        "subject": "收到的睡袋拉链坏了",
        "tags": ["damaged", "exchange"],
        "priority": "normal", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，昨天收到订单PP-10592的睡袋，今天拿出来试了一下，拉链拉到一半就卡住，"
                "稍微用力一拉，拉头直接掉了。一次都还没用过。\n"
                "可以换一个新的吗？照片我可以发给你们。\n\n"
                "唐怡"
            )},
        ],
    },
    {
        "customer": "grace.wu@example.com", "opened_minutes_ago": 130,
        "subject": "🎒 Quick question before I order the Cairn 38",
        "tags": ["product-question"],
        "priority": "low", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi again!\n\n"
                "Thanks for the down-jacket washing tips earlier, it came out beautifully.\n\n"
                "Now I'm eyeing the Cairn 38 rucksack for a hut-to-hut trip in the Alps this summer. "
                "Does it fit a 2L hydration bladder, and is the back length adjustable? I'm 160cm "
                "with a short torso and most packs sit really low on me.\n\n"
                "Thanks so much,\nGrace"
            )},
        ],
    },
    {
        "customer": "zhengkai@example.com", "opened_minutes_ago": 100,
        "subject": "同一笔订单被扣了两次钱",
        "tags": ["billing", "double-charge"],
        "priority": "high", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，我昨晚下单PP-10597的时候，微信支付第一次提示“支付失败”，我就又付了一次，"
                "结果两次都扣款成功了，每笔¥1,268，但订单只有一个。\n"
                "请尽快帮我退掉多扣的那一笔，付款截图可以提供。\n\n"
                "郑凯"
            )},
        ],
    },
    {
        "customer": "harriet.lowe@example.net", "opened_minutes_ago": 5,
        "subject": "Can I swap my boots for half a size up?",
        "tags": ["exchange", "sizing"],
        "priority": "normal", "status": "new", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "The Scree Mid boots (PP-10609) are lovely but a bit snug in the toes after a walk "
                "round the house. Could I swap them for a UK 6.5 instead of the 6?\n\n"
                "They've only been worn indoors and I've kept the box.\n\n"
                "Thanks,\nHarriet"
            )},
        ],
    },
    # ------------------------------------------------------------------ open
    {
        "customer": "alice.hartley@example.com", "opened_minutes_ago": 2000,
        "subject": "Another late delivery - PP-10561",
        "tags": ["shipping", "late-order"],
        "priority": "normal", "status": "open", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "My order PP-10561 (rucksack and waterproof trousers) was meant to arrive by yesterday "
                "and the tracking just says 'in transit'. This is the second time: last time "
                "(PP-10442) it turned up a week late.\n\n"
                "I need everything for a walking holiday in about ten days, so it isn't a disaster "
                "yet, but I'd like to know what's going on.\n\n"
                "Alice"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 90, "text": (
                "Hi Alice,\n\n"
                "Sorry we're here again, especially after PP-10442. I've checked PP-10561: it left "
                "our warehouse on time but has been sitting at the courier's Wakefield depot for two "
                "days. I've opened a query with them and asked for it to be prioritised.\n\n"
                "If it hasn't moved by tomorrow afternoon, I'll send a second set out by next-day "
                "delivery so you're covered for your trip either way.\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "customer", "after": 1400, "text": (
                "Hi Dana,\n\n"
                "Thanks, but the tracking still hasn't changed and it's now the next afternoon. "
                "Can you go ahead with the replacement as you offered? Same address please.\n\n"
                "Alice"
            )},
        ],
        "status_changes": [{"after": 91, "status": "pending"}, {"after": 1400, "status": "open"}],
    },
    {
        "customer": "chenhao@126.example", "opened_minutes_ago": 300,
        "subject": "登录又不行了，一直提示密码错误",
        "tags": ["account", "login"],
        "priority": "high", "status": "open", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，我又登录不上了。上次你们帮我重置过一次密码（大概一周前），"
                "今天用新密码登录还是提示“密码错误”，试了三次账号就被锁了。\n"
                "我想看一下PP-10476的退货进度。\n\n"
                "陈浩"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 60, "text": (
                "陈浩您好，\n\n"
                "抱歉又给您添麻烦了。账号被锁是系统的安全机制，30分钟后会自动解锁。"
                "我刚往您的注册邮箱发了一封新的重置密码邮件，链接24小时内有效。"
                "建议您设置新密码后先关掉浏览器再重新登录，有时候浏览器自动填充的还是旧密码。\n\n"
                "如果还是不行，麻烦告诉我您用的是手机还是电脑、什么浏览器，我这边继续查。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 100, "text": (
                "按你说的重置了，用电脑Chrome登录，还是提示密码错误。手机上也一样。"
                "是不是我的账号本身有问题？\n陈浩"
            )},
            {"author": "note", "agent": "wei@pineandpebble.example", "after": 110, "text": (
                "Found two customer records for chenhao@126.example (one left over from the old "
                "checkout). The reset is probably hitting the old record. Asked dev to merge them; "
                "will reply once it's done. — Wei"
            )},
        ],
        "status_changes": [{"after": 61, "status": "pending"}, {"after": 100, "status": "open"}],
    },
    {
        "customer": "fiona.mcleod@example.com", "opened_minutes_ago": 420,
        "subject": "[PP-10577] Wrong size sent - ordered M, got XL",
        "tags": ["exchange", "wrong-item", "vip"],
        "priority": "high", "status": "open", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "I ordered the Ardmore down jacket in a women's M (PP-10577), as Sam suggested a "
                "couple of weeks ago, but the label inside says XL. The packing slip says M, so I "
                "think it's just been picked wrong.\n\n"
                "I'm heading to Skye in a fortnight and would like the right one before then.\n\n"
                "Best,\nFiona"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 40, "text": (
                "Hi Fiona,\n\n"
                "Thanks for letting us know, and sorry about the mix-up. It does look like a picking "
                "error on our side.\n\n"
                "Could you send me a photo of the size label inside the jacket? As soon as I have it "
                "I'll send the M out and include a free returns label for the XL, so there's no need "
                "to wait for it to come back first.\n\n"
                "Sam, Pine & Pebble support"
            )},
            {"author": "customer", "after": 120, "text": (
                "Photo attached.\n\n"
                "Also, is the M still in stock in olive? The website just says 'low stock'.\n\n"
                "Fiona"
            )},
            {"author": "note", "agent": "sam@pineandpebble.example", "after": 130, "text": (
                "Handing over, I'm off shift. Olive M: 2 left in the Leeds warehouse, please reserve "
                "one before replying. VIP, and she needs it for a trip, so next-day delivery on us. — Sam"
            )},
        ],
        "status_changes": [{"after": 41, "status": "pending"}, {"after": 120, "status": "open"}],
    },
    {
        "customer": "zhaomin@foxmail.example", "opened_minutes_ago": 100,
        "subject": "【PP-10574】包裹又破了，炉头摔坏了",
        "tags": ["shipping", "damaged"],
        "priority": "high", "status": "open", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10574今天到了，外箱一角被压穿了，里面卡式炉的炉头支架直接断了一根，根本没法用。\n"
                "上次买水壶也是包装破损，你们的包装能不能加强一下？\n"
                "这次我要求换新，下个周末要带去露营。照片附上。\n\n"
                "赵敏"
            )},
            {"author": "note", "agent": "wei@pineandpebble.example", "after": 30, "text": (
                "Second damaged parcel for this customer in a month (see the 水壶 ticket). 2 stoves "
                "in stock at the Shanghai warehouse, can go out by SF next day. Waiting for Rob in ops "
                "to OK the courier claim, then I'll reply. — Wei"
            )},
        ],
    },
    {
        "customer": "rhys.evans@btinternet.example", "opened_minutes_ago": 3000,
        "subject": "Refund for returned tent PP-10548",
        "tags": ["refund", "returns"],
        "priority": "normal", "status": "open", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I sent back the Trailhead 3 tent from order PP-10548 about ten days ago. Royal Mail "
                "tracking says it was delivered to you, but I haven't had a refund or even an email "
                "saying it arrived. Could you check?\n\n"
                "Rhys"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 200, "text": (
                "Hi Rhys,\n\n"
                "Thanks for your patience. I've found your return: it arrived with us and passed "
                "inspection, so I've issued the refund of £179.00 to your Visa ending 4417 today. "
                "Banks usually take 3-5 working days to show it.\n\n"
                "Sorry the return confirmation email never reached you. I'm looking into why.\n\n"
                "Sam, Pine & Pebble support"
            )},
            {"author": "customer", "after": 2900, "text": (
                "Hi Sam,\n\n"
                "Thanks. Quick one: the refund on my card is £174.00, not £179.00. Was £5 taken off "
                "for something?\n\n"
                "Rhys"
            )},
        ],
        "status_changes": [{"after": 201, "status": "solved"}, {"after": 2900, "status": "open"}],
    },
    {
        "customer": "jamie.oconnor@example.net", "opened_minutes_ago": 200,
        "subject": "Charged twice for PP-10593?!",
        "tags": ["billing", "double-charge"],
        "priority": "urgent", "status": "open", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I've been charged twice for order PP-10593: £142.50, twice, on my debit card. That's "
                "put me overdrawn and my bank is charging me for it.\n\n"
                "You were really helpful last month with my address mix-up, so I'm hoping you can "
                "sort this quickly.\n\n"
                "Jamie"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 20, "text": (
                "Hi Jamie,\n\n"
                "I'm really sorry, that's the last thing you need. On our side I can see one "
                "successful payment for PP-10593 and a second authorisation in the same minute.\n\n"
                "Could you check whether both payments show as 'pending' or as completed in your "
                "banking app? Pending ones usually drop off by themselves within a day or two; if "
                "both are completed, I'll refund the second one straight away.\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "customer", "after": 50, "text": (
                "Both say completed, not pending. Screenshot attached. The bank says they can't do "
                "anything until you refund it.\n\n"
                "Jamie"
            )},
            {"author": "note", "agent": "dana@pineandpebble.example", "after": 60, "text": (
                "Payment provider shows two captures for PP-10593. Refunds over £100 need finance "
                "approval, so I've asked Mark and I'm waiting on him. If anyone sees this before I do, "
                "please at least tell Jamie it's in progress. — Dana"
            )},
        ],
        "status_changes": [{"after": 21, "status": "pending"}, {"after": 50, "status": "open"}],
    },
    {
        "customer": "sunli@163.example", "opened_minutes_ago": 1500,
        "subject": "发票抬头需要改成公司",
        "tags": ["invoice"],
        "priority": "low", "status": "open", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10552的电子发票抬头开成了我个人的名字，我需要公司抬头才能报销。\n"
                "公司名称：南京青岚户外用品有限公司\n"
                "税号：91320100MA1P8K2X3Q\n"
                "麻烦重新开一张，谢谢。\n\n"
                "孙丽"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 180, "text": (
                "孙丽您好，\n\n"
                "收到。公司抬头和税号我已经提交给上海合作方重新开票，新的电子普通发票会在2个工作日内"
                "发到您的邮箱，原来那张个人抬头的会同时作废。开好以后我在这里再通知您一声。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
    },
    {
        "customer": "hannah.price@example.net", "opened_minutes_ago": 1000,
        "subject": "Zip broken on my Tarn waterproof after 3 weeks",
        "tags": ["warranty", "faulty"],
        "priority": "normal", "status": "open", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "The main zip on my Tarn waterproof has split: the teeth have come apart at the "
                "bottom and it won't close. I've had it about three weeks (it's the replacement you "
                "sent when I was sent the wrong colour).\n\n"
                "Really disappointed, as it wasn't cheap. Is this covered?\n\n"
                "Hannah"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 150, "text": (
                "Hi Hannah,\n\n"
                "Sorry to hear that. A zip failing after three weeks definitely isn't normal, and "
                "yes, it's covered by our 2-year warranty.\n\n"
                "We can either repair it (our repair partner fits a new zip, about 10 days) or "
                "replace the jacket if your size is in stock. Which would you prefer? If it's a "
                "replacement, I'll check stock and send you a prepaid returns label.\n\n"
                "Priya, Pine & Pebble support"
            )},
            {"author": "customer", "after": 570, "text": (
                "Replacement please, same size (12) and colour (slate). Do I need to send the "
                "broken one back first?\n\n"
                "Hannah"
            )},
        ],
        "status_changes": [{"after": 151, "status": "pending"}, {"after": 570, "status": "open"}],
    },
    {
        "customer": "zhoulei@yeah.example", "opened_minutes_ago": 1800,
        "subject": "快递显示已签收，但我根本没收到",
        "tags": ["shipping", "lost-order"],
        "priority": "normal", "status": "open", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10563物流显示昨天下午“已签收”，签收人写的是“门卫”，"
                "但是我问了小区门卫，快递柜也看了，都没有。我本人什么都没收到。\n"
                "麻烦帮忙查一下。\n\n"
                "周磊"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 120, "text": (
                "周磊您好，\n\n"
                "很抱歉让您着急了。这单是中通派送的，我已经联系快递方核实签收情况，他们一般1-2天内回复。"
                "也麻烦您问一下家里人或者邻居有没有帮忙代收，有的快递员会直接放到楼下驿站。\n\n"
                "有消息我第一时间告诉您。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 1280, "text": (
                "家里人和邻居都问过了，驿站也没有。快递员电话一直打不通。\n"
                "已经两天了，能不能直接给我补发？\n"
                "周磊"
            )},
        ],
        "status_changes": [{"after": 121, "status": "on-hold"}, {"after": 1280, "status": "open"}],
    },
    {
        "customer": "ben.kowalski@mail.example", "opened_minutes_ago": 160,
        "subject": "Swap fleece from L to M (PP-10587)",
        "tags": ["exchange", "sizing"],
        "priority": "normal", "status": "open", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "The Corrie fleece from order PP-10587 is lovely but the L is swamping me. Could I "
                "swap it for an M in the same colour (rust)? Tags are still on.\n\n"
                "Do I need to send it back first, or can you post the M out now?\n\n"
                "Ben"
            )},
        ],
    },
    {
        "customer": "linxue@qq.example", "opened_minutes_ago": 400,
        "subject": "退货运费谁承担？",
        "tags": ["returns", "exchange"],
        "priority": "normal", "status": "open", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，我买的PP-10580抓绒衣，颜色和网页上差别挺大，实物偏灰，想退货。"
                "请问退回英国的运费是我出还是你们出？国际运费挺贵的。\n\n"
                "林雪"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 90, "text": (
                "林雪您好，\n\n"
                "抱歉颜色和您预期的不一样。国内的订单不用寄回英国，退到我们上海仓就可以。"
                "只要衣服没穿过、吊牌还在，退货运费由我们承担：用顺丰到付寄回，地址我单独发到您邮箱。"
                "仓库收到后3个工作日内原路退款。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 340, "text": (
                "好的，谢谢。那能不能换成同款的藏青色？不想退了，想换。藏青色M码还有货吗？\n"
                "林雪"
            )},
        ],
    },
    {
        "customer": "callum.reid@example.com", "opened_minutes_ago": 140,
        "subject": "Account locked - can't log in",
        "tags": ["account", "login"],
        "priority": "high", "status": "open", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "My account says it's locked after too many attempts, and the unlock email hasn't "
                "come through. I need to check what size I ordered last time (PP-10520) before I "
                "order again: there's a sale item in my basket that ends today.\n\n"
                "Callum"
            )},
            {"author": "customer", "after": 75, "text": (
                "Still locked and still no email. Any chance someone can look at this soon?\n\n"
                "Callum"
            )},
        ],
    },
    {
        "customer": "zoe.adeyemi@example.org", "opened_minutes_ago": 1600,
        "subject": "Discount code WELCOME10 didn't apply",
        "tags": ["billing", "discount"],
        "priority": "low", "status": "open", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I signed up for the newsletter and got WELCOME10, but when I used it on order "
                "PP-10583 the total didn't change. I only noticed after paying. Can you refund the "
                "10%?\n\n"
                "Zoe"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 300, "text": (
                "Hi Zoe,\n\n"
                "Thanks for flagging this. The code was accepted, but checkout dropped it when you "
                "switched to PayPal. It's a known glitch and we're fixing it. I've refunded £11.40 "
                "(10% of your order) to your PayPal account; it should show within a day.\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "customer", "after": 700, "text": (
                "Thanks Dana, got it! While I have you: does WELCOME10 work again on a second order, "
                "or was it one use only?\n\n"
                "Zoe"
            )},
        ],
    },
    {
        "customer": "hejun@126.example", "opened_minutes_ago": 900,
        "subject": "Re: [PP-10459] 帐篷杆断了，能保修吗",
        "tags": ["warranty", "faulty"],
        "priority": "normal", "status": "open", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，还是两周前买的那顶Trailhead 2帐篷（PP-10459），上次少了地钉你们补寄了，谢谢。\n"
                "这周末第二次用，风不算大，一根主杆在接口处断了。这种情况能保修吗？\n\n"
                "何军"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 200, "text": (
                "何军您好，\n\n"
                "很抱歉这顶帐篷接连出问题。帐篷杆有两年质保，正常使用断裂可以免费换。"
                "麻烦您拍两张照片发给我：一张断口的特写，一张整根杆的全貌。"
                "我这边确认后就从上海仓给您寄新杆。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 450, "text": (
                "照片发你邮箱了，两张都拍了。另外帐篷收纳袋的拉链也有点松，能一起换吗？\n"
                "何军"
            )},
            {"author": "note", "agent": "wei@pineandpebble.example", "after": 460, "text": (
                "I'm off tomorrow, so reassigning. Photos are in, clean break at the ferrule: "
                "approve a replacement pole. Stuff sack zip is minor, just send a new bag with it. "
                "Please reply in Chinese (a short reply is fine). — 张伟"
            )},
        ],
        "status_changes": [{"after": 201, "status": "pending"}, {"after": 450, "status": "open"}],
    },
    {
        "customer": "lucy.barnes@mail.example", "opened_minutes_ago": 500,
        "subject": "Missing item from order PP-10585",
        "tags": ["missing-item", "shipping"],
        "priority": "normal", "status": "open", "assignee": None,
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "My order PP-10585 arrived today but only the socks were in the bag. The Corrie "
                "fleece (£64) wasn't there, even though it's on the packing slip. The bag was sealed "
                "and not damaged.\n\n"
                "Could you send the fleece please?\n\n"
                "Lucy"
            )},
        ],
    },
    {
        "customer": "guoqian@foxmail.example", "opened_minutes_ago": 240,
        "subject": "PP-10600能不能改顺丰、改地址",
        "tags": ["shipping", "address-change"],
        "priority": "normal", "status": "open", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10600如果还没发货的话，能不能改用顺丰？\n"
                "另外收货地址要改成公司：苏州市工业园区星湖街328号创意产业园5栋，电话不变。"
                "上次寄到家里没人收，在驿站放了三天。\n\n"
                "郭倩"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 50, "text": (
                "郭倩您好，\n\n"
                "地址已经帮您改好了：苏州市工业园区星湖街328号创意产业园5栋，联系电话不变。\n"
                "这单还在上海仓拣货，可以改顺丰，需要补运费差价¥18，补款链接已经发到您的邮箱，"
                "付款后当天就能用顺丰发出。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
    },
    {
        "customer": "george.ashworth@example.com", "opened_minutes_ago": 600,
        "subject": "Re: [PP-10466] replacement jacket - sleeve seam again",
        "tags": ["warranty", "faulty", "vip"],
        "priority": "high", "status": "open", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "I'm afraid the replacement Ardmore jacket you sent last month has developed the "
                "same problem: the seam under the left arm is coming apart, about 3cm now. I've "
                "barely worn it, two walks on the fells.\n\n"
                "I've been a customer for years and this isn't the quality I'm used to from you.\n\n"
                "George"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 80, "text": (
                "Hi George,\n\n"
                "I'm sorry. Having the same fault twice is really frustrating, and you shouldn't "
                "have to chase us about it. I've flagged it to our product team, because a repeat "
                "seam failure points to a batch problem rather than bad luck.\n\n"
                "Rather than a third Ardmore, would you consider the Bowfell instead (similar "
                "weight, different seam construction)? Or I can refund you in full. Your call.\n\n"
                "Sam, Pine & Pebble support"
            )},
            {"author": "customer", "after": 500, "text": (
                "I'd rather keep an Ardmore, honestly, I like the fit. Can you guarantee the new one "
                "isn't from the same batch? If not, then the Bowfell in large, navy.\n\n"
                "George"
            )},
            {"author": "note", "agent": "sam@pineandpebble.example", "after": 510, "text": (
                "Product team confirms batch AR-2311 is affected; current stock is AR-2402 and safe "
                "to send. Reassigned because I'm at the warehouse this afternoon. He's a long-standing "
                "VIP, so next-day delivery and no need to wait for the return. — Sam"
            )},
        ],
        "status_changes": [{"after": 81, "status": "pending"}, {"after": 500, "status": "open"}],
    },
    {
        "customer": "maxiaodong@163.example", "opened_minutes_ago": 440,
        "subject": "会员积分没到账",
        "tags": ["account", "loyalty"],
        "priority": "low", "status": "open", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，我是你们的老会员了。上周的订单PP-10569已经确认收货，但是积分一直没加上，"
                "账户里还是上个月的数字，按规则应该加1,290分。麻烦帮我看一下。\n\n"
                "马晓东"
            )},
        ],
    },
    # ------------------------------------------------------------------ pending
    {
        "customer": "dan.fletcher@example.com", "opened_minutes_ago": 180,
        "subject": "Need PP-10615 before the weekend - DofE expedition",
        "tags": ["shipping", "late-order"],
        "priority": "urgent", "status": "pending", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "My son's Duke of Edinburgh expedition starts this weekend, and his boots and "
                "rucksack (order PP-10615) are stuck. Tracking says 'delivery attempted', but we "
                "were in all day and nobody knocked.\n\n"
                "Is there any way to get it to us in time?\n\n"
                "Dan"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 25, "text": (
                "Hi Dan,\n\n"
                "That's a horrible one with a deadline looming. The courier's notes say the driver "
                "couldn't get into your building, so I've asked them to try again tomorrow as a "
                "priority.\n\n"
                "The safest option, though, is to redirect it to a pickup point so it's waiting for "
                "you: the nearest is the Spar on Abbeydale Road, open until 10pm. Shall I redirect "
                "it there? I just need a yes from you in the next couple of hours so it goes on "
                "tomorrow's van.\n\n"
                "Dana, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 26, "status": "pending"}],
    },
    {
        "customer": "lixiaoyu@qq.example", "opened_minutes_ago": 2200,
        "subject": "PP-10570羽绒服想换小一码",
        "tags": ["exchange", "sizing"],
        "priority": "normal", "status": "pending", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，上次咨询过充绒量的那件Ardmore羽绒服（PP-10570）收到了，质量很好，"
                "就是S码袖子有点长，想换XS。请问怎么操作？\n\n"
                "李晓雨"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 100, "text": (
                "李晓雨您好，\n\n"
                "很高兴您喜欢这件羽绒服！换XS没问题，奶白色XS目前还有货。为了尽快给您办，麻烦确认两点：\n"
                "1. 衣服没有穿出门、吊牌还在吧？\n"
                "2. 收货地址还是徐汇区那个地址吗？\n\n"
                "确认后我给您发顺丰上门取件，新的一件在旧的寄出当天就发货。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 101, "status": "pending"}],
    },
    {
        "customer": "meera.nair@mail.example", "opened_minutes_ago": 1300,
        "subject": "Refund request - colour nothing like the photo",
        "tags": ["refund", "returns"],
        "priority": "normal", "status": "pending", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "The 'sage' Tarn waterproof I received (PP-10579) is basically khaki, nothing like "
                "the website photo. I'd like to return it for a refund please. How do I do that?\n\n"
                "Meera"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 60, "text": (
                "Hi Meera,\n\n"
                "Sorry it wasn't what you expected. You're not the first to say the sage looks "
                "different in daylight, so I've passed that on to the team who shoot our photos.\n\n"
                "Before I send a returns label: would you like a refund, or would you rather swap "
                "for 'moss', which is much closer to what the sage photo shows? Either is absolutely "
                "fine, I just want you to end up with something you like.\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 61, "status": "pending"}],
    },
    {
        "customer": "xuming@163.example", "opened_minutes_ago": 700,
        "subject": "收到的包裹外箱被压扁了",
        "tags": ["shipping", "damaged"],
        "priority": "normal", "status": "pending", "assignee": "@me",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，今天收到PP-10595，外箱整个被压扁了，胶带也像是被拆开过。"
                "里面的包装我还没拆，不确定东西有没有坏，里面是一副登山杖和一盏头灯。\n"
                "需要我怎么做？\n\n"
                "徐明"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 45, "text": (
                "徐明您好，\n\n"
                "谢谢您第一时间联系我们，箱子先别扔。麻烦您：\n"
                "1. 拍一张外箱的照片（能拍到快递面单最好）；\n"
                "2. 拆开检查登山杖和头灯，如果有损坏也拍下来。\n\n"
                "东西有问题的话我们直接补发，不用您寄回。照片直接回复这封邮件就可以。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 46, "status": "pending"}],
    },
    {
        "customer": "aisha.rahman@example.com", "opened_minutes_ago": 500,
        "subject": "Password reset link says 'expired'",
        "tags": ["account", "password-reset"],
        "priority": "normal", "status": "pending", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "Every time I click the reset link in your email it says 'this link has expired', "
                "even when I click it straight away. I've tried three times now. I just want to see "
                "my order history.\n\n"
                "Thanks,\nAisha"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 150, "text": (
                "Hi Aisha,\n\n"
                "Sorry, that's really annoying. The usual culprit is an email app that checks links "
                "for security before you open them, which uses up the one-time link. Copying the link "
                "and pasting it into your browser often gets round it.\n\n"
                "Could you tell me which email app you use? If it's a work account (Outlook on a "
                "work phone, for example), I can change your login email to a personal address "
                "instead, and that usually fixes it for good.\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 151, "status": "pending"}],
    },
    {
        "customer": "yangmeng@163.example", "opened_minutes_ago": 3000,
        "subject": "能开增值税专用发票吗？",
        "tags": ["invoice", "bulk-order"],
        "priority": "low", "status": "pending", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，上次物流的事谢谢张伟帮忙。\n"
                "这次公司团建买了8件抓绒衣（订单PP-10584），财务问能不能开增值税专用发票？"
                "如果只能开普票也行，但一定要公司抬头。\n\n"
                "杨萌"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 400, "text": (
                "杨萌您好，\n\n"
                "谢谢您又来光顾！我们上海合作方可以开增值税专用发票，麻烦您提供以下信息：\n"
                "公司名称、税号、开户行及账号、注册地址和电话。\n\n"
                "收到后3个工作日内开出，纸质专票用顺丰寄给您。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 401, "status": "pending"}],
    },
    {
        "customer": "treasurer@northfell-scouts.example", "opened_minutes_ago": 4500,
        "subject": "Group order for Northfell Scouts - can we pay by invoice?",
        "tags": ["invoice", "bulk-order"],
        "priority": "normal", "status": "pending", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "I'm the treasurer for Northfell Scout Group. We'd like to order 14 Corrie fleeces "
                "in assorted sizes for our leaders (list attached).\n\n"
                "Can we pay by bank transfer against an invoice rather than by card? Our account "
                "needs two signatures, so card payments are tricky.\n\n"
                "Martin Hale\nTreasurer, Northfell Scout Group"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 240, "text": (
                "Hi Martin,\n\n"
                "Happy to help. We invoice clubs and schools regularly, and for 14 fleeces we can "
                "take 15% off as a group discount.\n\n"
                "To raise the invoice I'll need the billing name and address for the group, a "
                "purchase order number if you use them, and the delivery address. Payment terms are "
                "14 days. We'd normally dispatch once payment clears, but if you need the fleeces "
                "sooner, just say.\n\n"
                "Sam, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 241, "status": "pending"}],
    },
    {
        "customer": "liam.doyle@example.net", "opened_minutes_ago": 1500,
        "subject": "Re: [PP-10512] refund?",
        "tags": ["refund", "returns"],
        "priority": "normal", "status": "pending", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi again,\n\n"
                "Following up on PP-10512. You confirmed you'd received my returned walking trousers "
                "about a week ago and said the refund would come through in 3-5 days. Nothing's "
                "shown up on my card yet.\n\n"
                "Liam"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 180, "text": (
                "Hi Liam,\n\n"
                "Thanks for chasing, and sorry it's dragged on. Our system shows the £58.00 refund "
                "went out on the day I confirmed your return, to the Mastercard ending 2290.\n\n"
                "Could you check that's the card you're looking at? If it's been replaced since, the "
                "refund sometimes lands on the new card or is held by the bank. If it is the right "
                "card, I'll get a reference number from our payment provider that you can give your "
                "bank.\n\n"
                "Dana, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 181, "status": "pending"}],
    },
    {
        "customer": "wujiahui@example.org", "opened_minutes_ago": 90,
        "subject": "地址填错了，能改吗？",
        "tags": ["address-change", "shipping"],
        "priority": "normal", "status": "pending", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好！我刚下单PP-10605，地址里的小区名写错了，应该是“浦东新区锦绣路1500弄 仁恒河滨城”，"
                "我写成了“仁恒滨江园”。麻烦帮我改一下，谢谢！\n\n"
                "吴佳慧"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 30, "text": (
                "吴佳慧您好，\n\n"
                "订单还没出库，来得及改。为了避免再出错，麻烦您把完整地址（包括楼号、单元和门牌号）"
                "和收件人电话再发我一遍，我直接在系统里改。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 31, "status": "pending"}],
    },
    {
        "customer": "emma.clarke@sky.example", "opened_minutes_ago": 2600,
        "subject": "Head torch won't charge - still under warranty?",
        "tags": ["warranty", "faulty"],
        "priority": "low", "status": "pending", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "My Lumen 400 head torch has stopped charging: the light flashes red when it's "
                "plugged in, and then nothing. I bought it at your stall at the Kendal Mountain "
                "Festival last November, so there's no online order. Is it still under warranty?\n\n"
                "Emma"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 300, "text": (
                "Hi Emma,\n\n"
                "Thanks for getting in touch. The Lumen has a 2-year warranty, so you're well "
                "covered. Festival sales went through our card reader, so if you send me the last "
                "four digits of the card you paid with, I can find the purchase and send a "
                "replacement. A photo of the receipt works too, if you still have it.\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 301, "status": "pending"}],
    },
    # ------------------------------------------------------------------ on-hold
    {
        "customer": "ruth.ogden@example.org", "opened_minutes_ago": 5000,
        "subject": "Parcel PP-10566 hasn't moved for 8 days",
        "tags": ["shipping", "lost-order"],
        "priority": "normal", "status": "on-hold", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "Order PP-10566 (trekking poles and a map case) hasn't moved on the tracking for "
                "eight days. It says 'held at depot - awaiting information', and nobody's contacted "
                "me. Could you find out what's happening?\n\n"
                "Ruth"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 120, "text": (
                "Hi Ruth,\n\n"
                "Sorry about the silence from the courier. I've called their depot: they can't find "
                "the parcel on the shelf and have started a formal search, which takes up to 3 "
                "working days. If it doesn't turn up by then, we'll send a replacement at our cost, "
                "and you won't need to do anything.\n\n"
                "I'll update you either way when the search ends.\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "note", "agent": "dana@pineandpebble.example", "after": 4200, "text": (
                "Courier search ref DS-55219: still not found, deadline is tomorrow. If it's "
                "negative, send the replacement from Leeds (poles and map case both in stock) "
                "and tell Ruth the same day. — Dana"
            )},
        ],
        "status_changes": [{"after": 121, "status": "on-hold"}],
    },
    {
        "customer": "hanbing@126.example", "opened_minutes_ago": 8000,
        "subject": "包裹卡在海关一周了",
        "tags": ["shipping", "customs"],
        "priority": "normal", "status": "on-hold", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10558的物流一直显示“海关查验中”，已经一周了。是不是需要我提供什么材料？"
                "之前在别家海淘从来没遇到过。\n\n"
                "韩冰"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 200, "text": (
                "韩冰您好，\n\n"
                "让您久等了。这单被海关随机抽检，需要收件人提供身份证信息做个人物品申报。"
                "清关链接已经发到您的手机短信，请在链接里上传身份证正反面照片。\n\n"
                "提交后一般3-5个工作日放行，我会一直跟进。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 1500, "text": (
                "已经上传了，收到短信说提交成功。\n韩冰"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 1560, "text": (
                "收到，谢谢您！我这边也看到资料已经递交海关了，接下来就等放行，这期间不需要您再做什么。"
                "一有进展我马上通知您。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "note", "agent": "wei@pineandpebble.example", "after": 6000, "text": (
                "Forwarder expects customs release this week and will send the new domestic "
                "tracking number. Chase them if nothing by Friday. — Wei"
            )},
        ],
        "status_changes": [
            {"after": 201, "status": "pending"},
            {"after": 1500, "status": "open"},
            {"after": 1561, "status": "on-hold"},
        ],
    },
    {
        "customer": "fiona.mcleod@example.com", "opened_minutes_ago": 12000,
        "subject": "Warranty: lining peeling inside my Bowfell jacket",
        "tags": ["warranty", "faulty", "vip"],
        "priority": "normal", "status": "on-hold", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "The inside of my Bowfell jacket (bought last year, PP-10389) has started peeling at "
                "the shoulders, as if the waterproof lining is coming away. It's beginning to let "
                "water in. Is this something you can look at?\n\n"
                "Fiona"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 210, "text": (
                "Hi Fiona,\n\n"
                "Sorry to hear that. Peeling at the shoulders is sometimes wear from rucksack "
                "straps, but it can also be a fault in the membrane, which is covered by the "
                "warranty. I've emailed you a free returns label. Once the jacket is with us, we'll "
                "send it to the manufacturer for an assessment.\n\n"
                "Sam, Pine & Pebble support"
            )},
            {"author": "customer", "after": 2000, "text": (
                "Posted it today. Thanks Sam.\n\nFiona"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 2100, "text": (
                "Thanks Fiona. I'll let you know as soon as it arrives and goes off to the "
                "manufacturer. Their assessments usually take about two weeks; I'll keep you posted, "
                "so you won't need to chase.\n\n"
                "Sam, Pine & Pebble support"
            )},
            {"author": "note", "agent": "sam@pineandpebble.example", "after": 6500, "text": (
                "Jacket received and sent to Highfold (the manufacturer), ref HF-7731. If they "
                "reject the claim, offer a goodwill 30% off a new Bowfell; she's a VIP. — Sam"
            )},
        ],
        "status_changes": [
            {"after": 211, "status": "pending"},
            {"after": 2000, "status": "open"},
            {"after": 2101, "status": "on-hold"},
        ],
    },
    {
        "customer": "sunli@163.example", "opened_minutes_ago": 2500,
        "subject": "支付宝扣了两次款",
        "tags": ["billing", "double-charge"],
        "priority": "normal", "status": "on-hold", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10588我用支付宝付款，页面卡了一下，结果扣了两次¥598，订单只有一个。"
                "麻烦退一笔给我。\n\n"
                "孙丽"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 90, "text": (
                "孙丽您好，\n\n"
                "我核对了一下，确实有两笔支付宝收款，其中一笔没有关联订单，是重复扣款，非常抱歉。"
                "我已经提交支付渠道退款，这类退款要等支付宝那边对账确认，一般3-5个工作日原路退回。"
                "到账之前我会一直跟进，您这边不用再做任何操作。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 91, "status": "on-hold"}],
    },
    # ------------------------------------------------------------------ solved
    {
        "customer": "alice.hartley@example.com", "opened_minutes_ago": 29000,
        "subject": "Order PP-10442 still not arrived",
        "tags": ["shipping", "late-order"],
        "priority": "normal", "status": "solved", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I ordered the Scree Mid boots (PP-10442) over a week ago and the tracking hasn't "
                "updated in four days. Could you check where they are?\n\n"
                "Alice"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 180, "text": (
                "Hi Alice,\n\n"
                "Sorry for the wait. The courier has confirmed your parcel was mis-sorted to their "
                "Glasgow hub. It's now on its way back down and should be with you within 2 working "
                "days. I've refunded your delivery charge (£4.95) for the trouble.\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "customer", "after": 4400, "text": (
                "They've arrived! Thanks for chasing, and for the refund.\n\nAlice"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 4500, "text": (
                "Great news, Alice, enjoy the boots! I'll mark this as solved, but just reply if "
                "anything isn't right.\n\n"
                "Dana, Pine & Pebble support"
            )},
        ],
        "status_changes": [
            {"after": 181, "status": "on-hold"},
            {"after": 4400, "status": "open"},
            {"after": 4501, "status": "solved"},
        ],
    },
    {
        "customer": "liam.doyle@example.net", "opened_minutes_ago": 17000,
        "subject": "Returning walking trousers PP-10512",
        "tags": ["returns", "refund"],
        "priority": "normal", "status": "solved", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "The Fellside walking trousers (PP-10512) are too short in the leg for me. Could I "
                "return them for a refund? Unworn, tags on.\n\n"
                "Liam"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 120, "text": (
                "Hi Liam,\n\n"
                "Of course. I've emailed you a prepaid returns label: print it, pop the trousers in "
                "the original bag and drop it at any Post Office. We refund as soon as they're "
                "checked in, usually within 2 working days of arrival.\n\n"
                "If you'd like to try them in a longer leg instead, the Fellside also comes in a "
                "34-inch leg. Would you like a refund or that swap?\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "customer", "after": 2900, "text": (
                "Sent them back yesterday. A refund is fine, thanks.\n\nLiam"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 3000, "text": (
                "Thanks Liam. I'll keep an eye out for the parcel and confirm here as soon as it's "
                "checked in.\n\n"
                "Dana, Pine & Pebble support"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 6500, "text": (
                "Hi Liam,\n\n"
                "Your trousers arrived today, and your refund of £58.00 is on its way to your "
                "Mastercard ending 2290. It usually shows within 3-5 working days.\n\n"
                "Dana, Pine & Pebble support"
            )},
        ],
        "status_changes": [
            {"after": 121, "status": "pending"},
            {"after": 2900, "status": "open"},
            {"after": 3001, "status": "on-hold"},
            {"after": 6501, "status": "solved"},
        ],
    },
    {
        "customer": "chenhao@126.example", "opened_minutes_ago": 11600,
        "subject": "账号登录不了，重置密码邮件收不到",
        "tags": ["account", "password-reset"],
        "priority": "normal", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，我的账号登录不了，点“忘记密码”以后一直收不到邮件，垃圾箱也看了。"
                "注册邮箱是chenhao@126.example。\n\n"
                "陈浩"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 60, "text": (
                "陈浩您好，\n\n"
                "我查了一下，发往您邮箱的重置邮件被对方服务器退回了，应该是被拦截了。"
                "我已经手动帮您重置，临时密码发到了您的手机短信，登录后请尽快修改。\n\n"
                "有问题随时找我。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 200, "text": (
                "收到了，已经登录上了，谢谢！\n陈浩"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 230, "text": (
                "不客气！这个问题我先帮您标记为已解决，之后有任何问题随时联系我们。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [
            {"after": 61, "status": "pending"},
            {"after": 200, "status": "open"},
            {"after": 231, "status": "solved"},
        ],
    },
    {
        "customer": "fiona.mcleod@example.com", "opened_minutes_ago": 21700,
        "subject": "Sizing advice for the women's Ardmore",
        "tags": ["product-question", "sizing", "vip"],
        "priority": "low", "status": "solved", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I'm between sizes for the women's Ardmore down jacket: usually a 12, 5 ft 6, with "
                "long arms. Does it run small? I'd want to fit a fleece underneath.\n\n"
                "Fiona"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 200, "text": (
                "Hi Fiona,\n\n"
                "Good question. The Ardmore is cut fairly trim, and most customers who want a fleece "
                "underneath stick to their usual size rather than sizing down. For a 12, that's an M. "
                "The sleeves are on the long side, so you should be fine there.\n\n"
                "And if it doesn't work out, exchanges are free within 60 days.\n\n"
                "Sam, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 201, "status": "solved"}],
    },
    {
        "customer": "jamie.oconnor@example.net", "opened_minutes_ago": 38000,
        "subject": "Wrong postcode on PP-10418",
        "tags": ["address-change"],
        "priority": "normal", "status": "solved", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi, I've just noticed order PP-10418 has my old postcode (BT7) instead of BT9. "
                "The house number and street are right. Can you fix it before it ships?\n\n"
                "Jamie"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 35, "text": (
                "Hi Jamie,\n\n"
                "Caught it just in time, it was about to be packed! I've changed the postcode to "
                "BT9 and the parcel will go out today. I've also updated the default address on "
                "your account so it won't happen again.\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 36, "status": "solved"}],
    },
    {
        "customer": "lixiaoyu@qq.example", "opened_minutes_ago": 14500,
        "subject": "Ardmore羽绒服充绒量和保暖度",
        "tags": ["product-question", "sizing"],
        "priority": "low", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，想问一下Ardmore羽绒服的充绒量是多少？我在上海，冬天湿冷，平时通勤穿，"
                "周末也会去周边爬爬山，会不会太热或者不够暖？\n"
                "我身高160，体重50公斤，S码和XS码选哪个？\n\n"
                "李晓雨"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 90, "text": (
                "李晓雨您好，\n\n"
                "Ardmore女款S码充绒量约180克，700蓬松度鹅绒，上海冬天通勤完全够用，零下5度左右也没问题；"
                "爬山时运动量大，可以敞开穿。面料有防泼水处理，小雨不用担心。\n\n"
                "按您的身高体重，S和XS都能穿：S码里面可以加件毛衣，XS更修身。主要通勤穿的话，我建议S码。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 150, "text": (
                "明白了，那我下单S码，谢谢！\n李晓雨"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 160, "text": (
                "好的，收到衣服有任何问题随时找我，祝您穿得开心！\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 161, "status": "solved"}],
    },
    {
        "customer": "hejun@126.example", "opened_minutes_ago": 20500,
        "subject": "帐篷少了地钉",
        "tags": ["missing-item"],
        "priority": "normal", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，收到的Trailhead 2帐篷（PP-10459），打开一看地钉只有6根，说明书上写的是10根。"
                "下周末要去露营，能补寄吗？\n\n"
                "何军"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 120, "text": (
                "何军您好，\n\n"
                "抱歉少发了地钉，是我们包装环节的疏忽。我已经安排从上海仓补寄一整套10根地钉，"
                "多出来的留着备用。走顺丰次日达，单号已经短信发给您了，明天就能到。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 1600, "text": (
                "收到了，谢谢！\n何军"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 1620, "text": (
                "收到就好，祝露营愉快！\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [
            {"after": 121, "status": "solved"},
            {"after": 1600, "status": "open"},
            {"after": 1621, "status": "solved"},
        ],
    },
    {
        "customer": "tom.whitaker@example.org", "opened_minutes_ago": 31700,
        "subject": "Can't log in to my account",
        "tags": ["account", "login"],
        "priority": "normal", "status": "solved", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I can't log in and the password reset email never arrives. My email is "
                "tom.whitaker@example.org.\n\n"
                "Tom"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 200, "text": (
                "Hi Tom,\n\n"
                "Thanks for your patience. Your email provider was rejecting our reset emails as "
                "spam before they reached your inbox. I've sent you a one-time login link from a "
                "different address (accounts@pineandpebble.example), which should get through.\n\n"
                "Could you let me know if it works? Adding that address to your contacts should "
                "stop this happening again.\n\n"
                "Priya, Pine & Pebble support"
            )},
            {"author": "customer", "after": 400, "text": (
                "That worked, I'm in. Thanks Priya.\n\nTom"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 420, "text": (
                "Brilliant, glad you're sorted. Have a good week!\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [
            {"after": 201, "status": "pending"},
            {"after": 400, "status": "open"},
            {"after": 421, "status": "solved"},
        ],
    },
    {
        "customer": "guoqian@foxmail.example", "opened_minutes_ago": 8800,
        "subject": "PP-10528什么时候发货？",
        "tags": ["shipping"],
        "priority": "low", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10528下单三天了，还是“待发货”，请问什么时候能发？\n\n郭倩"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 70, "text": (
                "郭倩您好，\n\n"
                "抱歉让您久等。您订的Corrie抓绒衣燕麦色M码是从英国仓调货到上海的，昨天已经到仓，"
                "今天就会发出，发货后您会收到短信通知。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 71, "status": "solved"}],
    },
    {
        "customer": "emma.clarke@sky.example", "opened_minutes_ago": 4600,
        "subject": "Gift order - no prices on the packing slip please",
        "tags": ["invoice", "gift"],
        "priority": "low", "status": "solved", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "Order PP-10538 is a birthday present for my brother and it's being sent straight "
                "to him. Could you make sure the prices aren't on the packing slip? And could you "
                "email me a proper receipt for my records?\n\n"
                "Thanks,\nEmma"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 40, "text": (
                "Hi Emma,\n\n"
                "All sorted. I've marked PP-10538 as a gift, so the packing slip will list the "
                "items only, no prices, and I've emailed you a full receipt as a PDF.\n\n"
                "I hope your brother loves it!\n\n"
                "Sam, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 41, "status": "solved"}],
    },
    {
        "customer": "maxiaodong@163.example", "opened_minutes_ago": 13000,
        "subject": "优惠券用不了",
        "tags": ["billing", "discount"],
        "priority": "low", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，会员日发的满500减60优惠券，结算的时候提示“不满足使用条件”。"
                "我购物车里是¥688的冲锋裤，应该满足条件啊？\n\n"
                "马晓东"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 50, "text": (
                "马晓东您好，\n\n"
                "查了一下，这张券不能和商品页的限时折扣叠加，冲锋裤打完折是¥488，所以没到500的门槛。"
                "抱歉规则写得不够清楚。作为补偿，我往您账户里发了一张无门槛¥60券，30天内有效，"
                "可以直接用在这条裤子上。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 120, "text": (
                "好的，用上了，已经下单了（PP-10521）。谢谢！\n马晓东"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 130, "text": (
                "不客气，收到货有任何问题随时找我。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 131, "status": "solved"}],
    },
    {
        "customer": "kev.holt@example.com", "opened_minutes_ago": 5900,
        "subject": "Refund for returned gloves (PP-10509)",
        "tags": ["refund", "returns"],
        "priority": "normal", "status": "solved", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I returned a pair of Crag gloves (PP-10509) last week as they were too small. Has "
                "the return arrived? I'd like a refund rather than an exchange.\n\n"
                "Kevin"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 150, "text": (
                "Hi Kevin,\n\n"
                "Yes, your gloves arrived yesterday, and I've just processed a refund of £32.00 to "
                "your original payment method. You should see it within 3-5 working days.\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 151, "status": "solved"}],
    },
    {
        "customer": "sunli@163.example", "opened_minutes_ago": 7400,
        "subject": "手套偏大，想换S码",
        "tags": ["exchange", "sizing"],
        "priority": "normal", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，PP-10505的抓绒手套M码偏大，能换S码吗？吊牌都在。\n\n孙丽"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 60, "text": (
                "孙丽您好，\n\n"
                "可以换的。我已经给您约了顺丰上门取件，明天上午快递员会联系您，运费不用您出。"
                "S码我们今天先寄出，不用等旧的寄回来。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 3000, "text": (
                "新手套收到了，S码刚好。旧的也让快递员取走了。\n孙丽"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 3030, "text": (
                "太好了，谢谢您告诉我！以后有需要随时联系我们。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [
            {"after": 61, "status": "on-hold"},
            {"after": 3000, "status": "open"},
            {"after": 3031, "status": "solved"},
        ],
    },
    {
        "customer": "grace.wu@example.com", "opened_minutes_ago": 360,
        "subject": "How do I wash my down jacket?",
        "tags": ["product-question", "care"],
        "priority": "low", "status": "solved", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "My Ardmore down jacket (PP-10486) is getting a bit grubby after a winter of use. "
                "Can I put it in the washing machine, or does it need specialist cleaning? Don't "
                "want to ruin it!\n\n"
                "Grace"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 55, "text": (
                "Hi Grace,\n\n"
                "Good news: it's machine washable. A few tips so it comes out lofty:\n"
                "- Use a down-specific wash, not normal detergent or fabric softener.\n"
                "- 30°C gentle cycle in a front-loader, with all the zips done up.\n"
                "- Tumble dry on low with two or three clean tennis balls. It takes 2-3 hours, but "
                "make sure it's completely dry or the down will clump.\n\n"
                "If you'd rather not do it yourself, our repair partner offers a wash-and-reproof "
                "service for £25.\n\n"
                "Dana, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 56, "status": "solved"}],
    },
    {
        "customer": "tangyi@qq.example", "opened_minutes_ago": 1700,
        "subject": "PP-10534退款还没到账",
        "tags": ["refund", "cancellation"],
        "priority": "normal", "status": "solved", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，我取消了订单PP-10534（还没发货），系统说会退款，但是两天了微信零钱里还是没有。\n\n"
                "唐怡"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 100, "text": (
                "唐怡您好，\n\n"
                "查到了，退款¥329前天已经原路退回您的微信支付。如果付款时用的是微信绑定的银行卡，"
                "钱会退回那张银行卡，不会进零钱。麻烦您查看一下银行卡的账单，看看到了没有？\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 300, "text": (
                "找到了，确实退到招商银行卡上了，不好意思没注意。谢谢！\n唐怡"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 320, "text": (
                "没关系，找到就好！祝您生活愉快。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [
            {"after": 101, "status": "pending"},
            {"after": 300, "status": "open"},
            {"after": 321, "status": "solved"},
        ],
    },
    # ------------------------------------------------------------------ closed
    {
        "customer": "george.ashworth@example.com", "opened_minutes_ago": 36000,
        "subject": "Seam coming apart on Ardmore jacket (PP-10466)",
        "tags": ["warranty", "faulty", "vip"],
        "priority": "normal", "status": "closed", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hello,\n\n"
                "The underarm seam on my new Ardmore jacket (PP-10466) has opened up after a couple "
                "of outings. Could you advise?\n\n"
                "George Ashworth"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 150, "text": (
                "Hi George,\n\n"
                "Sorry about that, it's not something we'd expect from a new jacket. Could you send "
                "a quick photo of the seam? If it's what it sounds like, we'll send a replacement "
                "straight away and you can return the faulty one with a prepaid label.\n\n"
                "Sam, Pine & Pebble support"
            )},
            {"author": "customer", "after": 900, "text": (
                "Photo attached.\n\nGeorge"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 960, "text": (
                "Thanks George, that's clearly a stitching fault. A replacement Ardmore (large, "
                "navy) is on its way by next-day delivery, and the returns label for the faulty one "
                "is in your inbox. Sorry again for the hassle.\n\n"
                "Sam, Pine & Pebble support"
            )},
        ],
        "status_changes": [
            {"after": 151, "status": "pending"},
            {"after": 900, "status": "open"},
            {"after": 961, "status": "solved"},
            {"after": 6721, "status": "closed"},
        ],
    },
    {
        "customer": "wangfang88@163.example", "opened_minutes_ago": 39000,
        "subject": "PP-10490物流太慢了",
        "tags": ["shipping", "late-order"],
        "priority": "normal", "status": "closed", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，订单PP-10490已经10天了，物流还在“国际运输中”。请问正常要多久？\n\n王芳"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 80, "text": (
                "王芳您好，\n\n"
                "抱歉让您久等。英国直邮的订单一般要10-15天，这单因为航班转运延误了几天，现在已经到上海，"
                "正在清关，预计3-5天内送到。\n"
                "以后下单可以优先选标着“上海仓发货”的商品，一般2-3天就能到。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 6000, "text": (
                "今天收到了，谢谢。\n王芳"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 6100, "text": (
                "太好了，谢谢您的耐心！有任何问题随时联系我们。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [
            {"after": 81, "status": "on-hold"},
            {"after": 6000, "status": "open"},
            {"after": 6101, "status": "solved"},
            {"after": 10421, "status": "closed"},
        ],
    },
    {
        "customer": "zhaomin@foxmail.example", "opened_minutes_ago": 30500,
        "subject": "钛水壶外箱破了，壶身磕凹",
        "tags": ["shipping", "damaged"],
        "priority": "normal", "status": "closed", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，收到的PP-10437钛水壶，外箱破了，壶身磕凹了一块。这样的能换吗？\n\n赵敏"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 60, "text": (
                "赵敏您好，\n\n"
                "非常抱歉，应该是运输途中磕坏的。麻烦您拍一张凹陷处的照片给我，确认后直接给您补发新的，"
                "旧的不用寄回。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 200, "text": (
                "照片发你了。\n赵敏"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 230, "text": (
                "收到照片，新水壶已经从上海仓寄出，明天到。这次破损我也反馈给仓库了，"
                "以后金属和易碎商品会多加一层气泡膜。\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [
            {"after": 61, "status": "pending"},
            {"after": 200, "status": "open"},
            {"after": 231, "status": "solved"},
            {"after": 5991, "status": "closed"},
        ],
    },
    {
        "customer": "hannah.price@example.net", "opened_minutes_ago": 34500,
        "subject": "Wrong colour sent - Tarn waterproof (PP-10431)",
        "tags": ["exchange", "wrong-item"],
        "priority": "normal", "status": "closed", "assignee": "priya@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I ordered the Tarn waterproof in slate (PP-10431) but received it in bright orange. "
                "Can you swap it?\n\n"
                "Hannah"
            )},
            {"author": "agent", "agent": "priya@pineandpebble.example", "after": 90, "text": (
                "Hi Hannah,\n\n"
                "Sorry about that, our mistake. I've sent the slate in size 12 out today by tracked "
                "delivery, and emailed you a returns label for the orange one. No rush sending it "
                "back.\n\n"
                "Priya, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 91, "status": "solved"}, {"after": 7291, "status": "closed"}],
    },
    {
        "customer": "nina.patel@example.org", "opened_minutes_ago": 28800,
        "subject": "Did my return arrive? (PP-10427)",
        "tags": ["refund", "returns"],
        "priority": "low", "status": "closed", "assignee": "dana@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi, I sent back the Corrie fleece from PP-10427 last week. Could you confirm you've "
                "received it?\n\n"
                "Nina"
            )},
            {"author": "agent", "agent": "dana@pineandpebble.example", "after": 240, "text": (
                "Hi Nina,\n\n"
                "Yes, it arrived today and the refund of £64.00 has been issued to your card. It "
                "should show within 3-5 working days. Thanks for shopping with us!\n\n"
                "Dana, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 241, "status": "solved"}, {"after": 4561, "status": "closed"}],
    },
    {
        "customer": "yangmeng@163.example", "opened_minutes_ago": 40300,
        "subject": "PP-10414物流三天没更新",
        "tags": ["shipping", "late-order"],
        "priority": "normal", "status": "closed", "assignee": "wei@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "你好，PP-10414的物流三天没有更新了，一直显示在天津分拨中心。能帮忙催一下吗？\n\n杨萌"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 100, "text": (
                "杨萌您好，\n\n"
                "我联系了天津分拨中心，包裹是分拣时面单破损被滞留了，现在已经重新贴单，今天会派送。"
                "给您添麻烦了。\n\n"
                "张伟 · 松石户外客服"
            )},
            {"author": "customer", "after": 700, "text": (
                "收到了，谢谢张伟！\n杨萌"
            )},
            {"author": "agent", "agent": "wei@pineandpebble.example", "after": 720, "text": (
                "不客气，有问题随时找我们～\n\n"
                "张伟 · 松石户外客服"
            )},
        ],
        "status_changes": [{"after": 721, "status": "solved"}, {"after": 6481, "status": "closed"}],
    },
    {
        "customer": "matt.green@example.net", "opened_minutes_ago": 26000,
        "subject": "Please cancel PP-10452",
        "tags": ["cancellation", "refund"],
        "priority": "normal", "status": "closed", "assignee": "sam@pineandpebble.example",
        "messages": [
            {"author": "customer", "after": 0, "text": (
                "Hi,\n\n"
                "I ordered a sleeping mat earlier today (PP-10452) but have since found a "
                "second-hand one locally. Could you cancel it if it hasn't gone yet? Sorry!\n\n"
                "Matt"
            )},
            {"author": "agent", "agent": "sam@pineandpebble.example", "after": 50, "text": (
                "Hi Matt,\n\n"
                "No need to apologise! It hadn't been packed yet, so I've cancelled PP-10452 and "
                "refunded the full £74.99 to your card. Enjoy the mat, and happy camping.\n\n"
                "Sam, Pine & Pebble support"
            )},
        ],
        "status_changes": [{"after": 51, "status": "solved"}, {"after": 4371, "status": "closed"}],
    },
]
