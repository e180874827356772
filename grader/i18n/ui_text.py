"""The words of the pages in English and Chinese (statements and feedback have their own)."""

from __future__ import annotations

UI: dict[str, tuple[str, str]] = {
    # key: (English, Chinese)
    "app": ("tensor-grader", "tensor-grader"),
    "exercises": ("Exercises", "练习"),
    "dashboard": ("Dashboard", "教师面板"),
    "sign_in": ("Sign in", "登录"),
    "sign_out": ("Sign out", "退出"),
    "signed_out": ("You are signed out.", "你已退出登录。"),
    "username": ("Username", "用户名"),
    "password": ("Password", "密码"),
    "signed_in_as": ("Signed in as {name}", "当前用户：{name}"),
    "language": ("Language", "语言"),
    "done_of": (
        "{done} of {total} {total:exercise|exercises} at full marks",
        "已满分 {done} / {total} 道练习",
    ),
    "unit": ("Unit", "单元"),
    "exercise": ("Exercise", "练习"),
    "points": ("Points", "分值"),
    "n_points": ("{n} {n:point|points}", "{n} 分"),
    "best": ("Best", "最高分"),
    "attempts": ("Attempts", "提交次数"),
    "state.not-started": ("not started", "未开始"),
    "state.pending": ("grading", "评分中"),
    "state.full": ("full marks", "满分"),
    "state.partial": ("partial", "部分得分"),
    "state.zero": ("no points yet", "尚未得分"),
    "statement": ("Statement", "题目"),
    "signature": ("Signature", "函数签名"),
    "examples": ("Public examples", "公开样例"),
    "arguments": ("Arguments", "参数"),
    "expected": ("Expected", "期望结果"),
    "banned": ("Not allowed here", "本题禁止使用"),
    "your_code": ("Your code", "你的代码"),
    "from_last": ("The editor holds your last submission.", "编辑器中是你上一次提交的代码。"),
    "from_starter": ("The editor holds the starter code.", "编辑器中是初始代码。"),
    "reset_starter": ("Start over from the starter code", "恢复初始代码"),
    "upload": (
        "Or upload a .py or .ipynb file (at most {kib} KiB)",
        "或上传 .py / .ipynb 文件（不超过 {kib} KiB）",
    ),
    "file_wrong_type": (
        "{name} was not sent: choose a .py file or a .ipynb notebook.",
        "{name} 未提交：请选择 .py 文件或 .ipynb 笔记本。",
    ),
    "file_too_big": (
        "{name} was not sent: it is {size} KiB, and files of at most {kib} KiB are accepted. "
        "Submit only your code.",
        "{name} 未提交：文件大小为 {size} KiB，上限为 {kib} KiB。请只提交你的代码。",
    ),
    "refused.413": ("Not submitted: too large.", "未提交：内容过大。"),
    "refused.422": (
        "Not submitted: the grader cannot take this submission.",
        "未提交：评分服务无法接受这份提交。",
    ),
    "refused.429": ("Not submitted: too many submissions in a short time.", "未提交：短时间内提交次数过多。"),
    "refused.503": (
        "Not submitted: the grading service is unavailable for a moment. Submit again shortly.",
        "未提交：评分服务暂时不可用，请稍后重新提交。",
    ),
    "refused.network": (
        "Not submitted: the grader could not be reached. Check your connection and submit again.",
        "未提交：无法连接评分服务。请检查网络连接后重新提交。",
    ),
    "refused.other": ("Not submitted.", "未提交。"),
    "submit": ("Submit", "提交"),
    "submitting": ("Submitting…", "正在提交…"),
    "result": ("Result", "结果"),
    "no_result": ("Submit to see your result here.", "提交后在这里查看结果。"),
    "queued": ("Waiting for a grader…", "等待评分…"),
    "running": ("Grading…", "正在评分…"),
    "graded": ("Graded", "已评分"),
    "error": ("The grader failed", "评分出错"),
    "score": ("Score", "得分"),
    "case": ("Case", "测试"),
    "cases_passed": ("{n} of {total} {total:case|cases} passed", "通过 {n} / {total} 个测试"),
    "passed": ("passed", "通过"),
    "invalid": ("could not run", "无法运行"),
    "failed": ("failed", "未通过"),
    "public": ("public", "公开"),
    "hidden": ("hidden", "隐藏"),
    "message": ("Message", "说明"),
    "output": ("Printed output (public cases)", "打印输出（公开测试）"),
    "output_truncated": ("(cut: too long)", "（过长，已截断）"),
    "flags": ("Flags", "标记"),
    "history": ("History", "历史"),
    "all_history": ("All submissions to this exercise", "此练习的全部提交"),
    "recent": ("Recent submissions", "最近的提交"),
    "submitted": ("Submitted", "提交时间"),
    "status": ("Status", "状态"),
    "view": ("view", "查看"),
    "code": ("Code", "代码"),
    "back_to": ("Back to {name}", "返回 {name}"),
    "score_over_time": ("Score over time", "得分变化"),
    "no_attempts": ("No submissions yet.", "还没有提交。"),
    "error_title": ("Something went wrong", "出错了"),
    "retry_in": ("Try again in {s} {s:second|seconds}.", "请在 {s} 秒后重试。"),
    "go_home": ("Back to the start page", "返回首页"),
    "connection_lost": ("Connection lost; retrying…", "连接中断，正在重试…"),
    "skip": ("Skip to content", "跳到正文"),
    # sign-in limits and passwords
    "sign_in_throttled": (
        "Too many failed sign-ins for this account or from this address. Try again in {s} seconds.",
        "该账号或该地址的登录失败次数过多，请在 {s} 秒后重试。",
    ),
    "set_password": ("Set a password", "设置密码"),
    "set_password_for": ("Choose the password of {name}.", "为 {name} 设置密码。"),
    "change_password": ("Change password", "修改密码"),
    "current_password": ("Current password", "当前密码"),
    "new_password": ("New password", "新密码"),
    "new_password_again": ("The new password again", "再次输入新密码"),
    "password_rules": ("At least {n} characters, typed the same twice.", "至少 {n} 个字符，两次输入须一致。"),
    "password_set": (
        "The password of {name} is set: sign in with it.",
        "{name} 的密码已设置，请用新密码登录。",
    ),
    "password_changed": (
        "Your password is changed; your other sessions are signed out.",
        "密码已修改；你的其他会话已退出登录。",
    ),
    "current_password_wrong": ("The current password is wrong.", "当前密码不正确。"),
    "link.unknown": (
        "This link is unknown: check that it was copied whole, or ask your instructor for a new one.",
        "此链接无效：请确认链接完整，或向教师索取新链接。",
    ),
    "link.used": (
        "This link was used already: each link works once. Ask your instructor for a new one.",
        "此链接已被使用（每个链接只能使用一次）。请向教师索取新链接。",
    ),
    "link.expired": (
        "This link has expired. Ask your instructor for a new one.",
        "此链接已过期。请向教师索取新链接。",
    ),
    "link.deactivated": ("This account is deactivated.", "此账号已停用。"),
    # dashboard
    "d.nav": ("Dashboard", "教师面板"),
    "d.overview": ("Overview", "概览"),
    "d.gradebook": ("Gradebook", "成绩册"),
    "d.users": ("Users", "用户"),
    "d.activity": ("Submissions", "提交"),
    "d.today": ("today (UTC)", "今天（UTC）"),
    "d.last_hour": ("{n} in the last hour", "最近一小时 {n} 次"),
    "d.queue": ("Queue", "评分队列"),
    "d.queued": ("Waiting", "等待中"),
    "d.running": ("Being graded", "评分中"),
    "d.oldest": ("Oldest waiting", "最久等待"),
    "d.errors": ("Grader faults", "评分故障"),
    "d.regrading": ("Being regraded", "重评中"),
    "d.failed_regrades": ("Regrades given up (old score kept)", "放弃的重评（保留原分数）"),
    "d.workers": ("Workers", "评分进程"),
    "d.workers_alive": ("{n} alive", "{n} 个在线"),
    "d.no_workers": (
        "No worker is alive: nothing will be graded until one starts (grader worker).",
        "没有在线的评分进程：在启动一个（grader worker）之前，任何提交都不会被评分。",
    ),
    "d.worker": ("Worker", "评分进程"),
    "d.host": ("Host", "主机"),
    "d.seen": ("Last report", "最近报告"),
    "d.layers": ("Sandbox layers", "沙箱防护层"),
    "d.missing": ("{name} missing", "缺少 {name}"),
    "d.ago_s": ("{n} s ago", "{n} 秒前"),
    "d.ago_min": ("{n} min ago", "{n} 分钟前"),
    "d.ago_h": ("{n} h ago", "{n} 小时前"),
    "d.pass_rates": ("Pass rates by exercise", "各练习通过率"),
    "d.pass_chart": (
        "Students at full marks, in percent of those who tried",
        "满分学生占尝试学生的百分比（%）",
    ),
    "d.attempted": ("Students who tried", "尝试的学生"),
    "d.full_marks": ("At full marks", "满分"),
    "d.mean_best": ("Mean best score", "平均最高分"),
    "d.no_submissions": ("No submissions yet.", "还没有提交。"),
    "d.exercise_meta": (
        "{submissions} graded {submissions:submission|submissions} from {students} "
        "{students:student|students}, {full} at full marks",
        "{students} 名学生的 {submissions} 次已评分提交，{full} 人满分",
    ),
    "d.student_view": ("the exercise as students see it", "学生看到的题目"),
    "d.distribution": ("Score distribution", "得分分布"),
    "d.distribution_label": (
        "Students by best score on {slug}, in ten bins",
        "{slug} 按最高分分十档的学生人数",
    ),
    "d.distribution_note": (
        "Each student counts once, with their best graded score.",
        "每名学生按其最高分计一次。",
    ),
    "d.no_graded": ("Nothing graded yet.", "还没有已评分的提交。"),
    "d.failing": ("Most failed cases", "最常失败的测试"),
    "d.failures": ("Failures", "失败次数"),
    "d.common_messages": ("Most common messages", "最常见的反馈"),
    "d.no_failures": ("No failed case yet.", "还没有失败的测试。"),
    "d.mutants": ("Mistakes recognised", "识别出的典型错误"),
    "d.mutants_note": (
        "Failed cases whose outputs match a known wrong solution of this exercise, "
        "and the hint students got.",
        "输出与本题某个已知错误解法一致的失败测试，以及学生看到的提示。",
    ),
    "d.mistake": ("Mistake", "错误"),
    "d.hint": ("Hint shown", "给出的提示"),
    "d.submissions": ("Submissions", "提交"),
    "d.students": ("Students", "学生"),
    "d.no_mutants": ("No known mistake recognised yet.", "还没有识别出已知错误。"),
    "d.known_mutants": ("Known mistakes of this exercise ({n})", "本题的已知错误（{n} 个）"),
    "d.first_full": ("Attempts to first full score", "首次满分所需的提交次数"),
    "d.first_full_median": (
        "Median {median} {median:submission|submissions}; {reached} {reached:student|students} "
        "reached full marks, {not_yet} not yet.",
        "中位数 {median} 次；{reached} 名学生已满分，{not_yet} 名尚未。",
    ),
    "d.first_full_label": (
        "Students by submissions up to their first full score",
        "按首次满分前提交次数统计的学生人数",
    ),
    "d.first_full_none": (
        "No student has full marks yet ({not_yet} tried).",
        "还没有学生满分（{not_yet} 人尝试过）。",
    ),
    "d.regrade_all": ("Regrade every submission", "重新评分全部提交"),
    "d.regrade_all_note": (
        "Grades the {n} {n:submission|submissions} of this exercise again against its current version; "
        "each regrade is audited.",
        "按本题当前版本重新评分全部 {n} 次提交；每次重评都有记录。",
    ),
    "d.regrade_confirm": (
        "I understand: {n} {n:submission is|submissions are} graded again and "
        "{n:its score|their scores} may change",
        "我明白：{n} 次提交将重新评分，分数可能改变",
    ),
    "d.regrade_keeps": (
        "Each submission keeps its score until its regrade records a new one.",
        "重评完成前，每次提交保留原分数。",
    ),
    "d.regrade_running": (
        "A regrade asked at {at} is under way: {remaining} of {n} submissions still to grade. "
        "Asking again joins it.",
        "{at} 发起的重评正在进行：{n} 次提交中还有 {remaining} 次待评。再次发起将并入这次重评。",
    ),
    "d.regrade_done": (
        "The last regrade, asked at {at}, graded {n} submissions.",
        "上次重评（{at} 发起）评了 {n} 次提交。",
    ),
    "d.regrade_pending": (
        "A regrade is pending: the score shown stands until it records a new one.",
        "重评进行中：新分数记录前，显示的分数保持不变。",
    ),
    "d.student": ("Student", "学生"),
    "d.total": ("Total", "总分"),
    "d.all_units": ("All units", "全部单元"),
    "d.filter": ("Show", "显示"),
    "d.csv": ("Download CSV", "下载 CSV"),
    "d.gradebook_note": (
        "{students} {students:student|students} × {exercises} {exercises:exercise|exercises}; "
        "best graded score. Click a column header to sort; the CSV has every student.",
        "{students} 名学生 × {exercises} 道练习；最高已评分成绩。点击列标题排序；CSV 包含全部学生。",
    ),
    "d.student_meta": ("{n} {n:submission|submissions}", "{n} 次提交"),
    "d.tokens": ("API tokens", "API 令牌"),
    "d.live_tokens": ("Live API tokens", "有效 API 令牌"),
    "d.pages": ("Pages", "分页"),
    "d.newer": ("Newer", "较新"),
    "d.older": ("Older", "较早"),
    "d.page_of": ("Page {page} of {pages}", "第 {page} / {pages} 页"),
    "d.previous": ("Previous", "上一页"),
    "d.find_user": ("Find a user", "查找用户"),
    "d.users_found": ("{n} {n:user|users}", "{n} 个用户"),
    "d.next": ("Next", "下一页"),
    "d.notebook": ("notebook", "笔记本"),
    "d.flagged": ("Flagged", "已标记"),
    "d.flag.banned": ("banned API", "禁用 API"),
    "d.flag.banned_runtime": ("banned API at run time", "运行时使用禁用 API"),
    "d.flag.introspection": ("introspection", "内省"),
    "d.flag.tampered": ("tampering", "篡改"),
    "d.flag.cell_error": ("notebook cell failed", "笔记本单元出错"),
    "d.grading": ("Grading", "评分"),
    "d.grading_time": ("Grading time", "评分用时"),
    "d.seed": ("Seed", "随机种子"),
    "d.started": ("Started", "开始"),
    "d.graded_at": ("Graded", "评分完成"),
    "d.hidden_output": ("Output of hidden cases (not shown)", "隐藏测试的输出（不显示）"),
    "d.webhook": ("Webhook", "Webhook"),
    "d.webhook_state": (
        "{attempts} {attempts:attempt|attempts}, last answer {status}",
        "尝试 {attempts} 次，最近响应 {status}",
    ),
    "d.fault": ("Grader fault", "评分故障"),
    "d.regrade": ("Regrade this submission", "重新评分此提交"),
    "d.audit": ("Regrades", "重评记录"),
    "d.requested": ("Requested", "请求时间"),
    "d.by": ("By", "请求人"),
    "d.reason": ("Reason", "原因"),
    "d.before": ("Score before", "原分数"),
    "d.after": ("Score after", "新分数"),
    "d.completed": ("Completed", "完成时间"),
    "d.no_audit": ("Never regraded.", "从未重新评分。"),
    "d.role": ("Role", "角色"),
    "d.role.student": ("student", "学生"),
    "d.role.instructor": ("instructor", "教师"),
    "d.role.admin": ("admin", "管理员"),
    "d.created": ("Created", "创建时间"),
    "d.new_user": ("New user", "新建用户"),
    "d.password_help": ("At least 8 characters.", "至少 8 个字符。"),
    "d.create_user": ("Create user", "创建用户"),
    "d.roles_policy": (
        "Instructors create students and instructors and manage students' tokens and their own; "
        "only an admin creates admins or manages other instructors' tokens.",
        "教师可以创建学生和教师账号，并管理学生和自己的令牌；只有管理员可以创建管理员或管理其他教师的令牌。",
    ),
    "d.all_submissions": ("All submissions", "全部提交"),
    "d.token_created": ("New token", "新令牌"),
    "d.token_once": (
        "Copy it now: it is not stored and will not be shown again.",
        "请立即复制：令牌不会被保存，也不会再次显示。",
    ),
    "d.token": ("Token", "令牌"),
    "d.token_name": ("Token name", "令牌名称"),
    "d.prefix": ("Starts with", "前缀"),
    "d.last_used": ("Last used", "最近使用"),
    "d.revoked": ("Revoked", "已撤销"),
    "d.actions": ("Actions", "操作"),
    "d.revoke": ("Revoke", "撤销"),
    "d.revoke_named": ("Revoke the token {name} ({prefix}…)", "撤销令牌 {name}（{prefix}…）"),
    "d.no_tokens": ("No tokens.", "没有令牌。"),
    "d.create_token": ("Create a token", "创建令牌"),
    "d.account": ("Account", "账号"),
    "d.active": ("Active: can sign in.", "正常：可以登录。"),
    "d.no_password": (
        "No password yet: make a set-password link and give it to this user.",
        "尚未设置密码：请生成设置密码链接并交给该用户。",
    ),
    "d.deactivated": ("deactivated", "已停用"),
    "d.deactivated_note": (
        "Deactivated: cannot sign in, and the API tokens are refused.",
        "已停用：无法登录，API 令牌也被拒绝。",
    ),
    "d.deactivate": ("Deactivate", "停用"),
    "d.activate": ("Activate", "启用"),
    "d.deactivated_flash": (
        "{name} is deactivated: signed out everywhere, tokens refused.",
        "{name} 已停用：所有会话已退出，令牌被拒绝。",
    ),
    "d.activated_flash": ("{name} is active again.", "{name} 已重新启用。"),
    "d.make_link": ("Make a set-password link", "生成设置密码链接"),
    "d.link_note": (
        "The link lets {name} choose a new password, once, within {hours} hours; earlier links stop working.",
        "该链接让 {name} 在 {hours} 小时内设置一次新密码；之前的链接随即失效。",
    ),
    "d.link_created": ("Set-password link", "设置密码链接"),
    "d.link_once": (
        "Copy it now and give it to {name}: it is not stored and will not be shown again. "
        "It works once, until {when} (UTC).",
        "请立即复制并交给 {name}：链接不会被保存，也不会再次显示。它只能使用一次，有效期至 {when}（UTC）。",
    ),
    "d.password_optional": (
        "At least {n} characters; or leave it empty and give the user the set-password link shown next.",
        "至少 {n} 个字符；或留空，然后把接下来显示的设置密码链接交给该用户。",
    ),
    "d.cannot_manage_account": (
        "Only an admin or this user may manage this account.",
        "只有管理员或该用户本人可以管理此账号。",
    ),
    "d.cannot_manage": (
        "Only an admin or this user may manage these tokens.",
        "只有管理员或该用户本人可以管理这些令牌。",
    ),
}


class _Count:
    """A value in a UI text; its format spec may choose a word by it (English plurals):
    ``"{n} {n:case|cases}"`` reads "1 case", "3 cases", "0.5 cases"."""

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        if "|" in spec:
            one, many = spec.split("|", 1)
            return one if str(self.value) in ("1", "1.0") else many
        return format(self.value, spec)


def translate(key: str, lang: str, **values: object) -> str:
    """The UI text for ``key`` in ``lang`` (English when the key or language is unknown)."""
    english, chinese = UI.get(key, (key, key))
    text = chinese if lang == "zh" else english
    return text.format(**{name: _Count(value) for name, value in values.items()}) if values else text
