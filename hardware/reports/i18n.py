"""The words of the acceptance report, in English and Simplified Chinese (``--lang zh-CN``).

The people who sign an acceptance are the hospital's and the supplier's engineers; the
report's frame (headings, verdicts, the sign-off block) is in their language.  Findings
themselves (check titles, reasons, values) are data and stay as the checks state them.
"""

from __future__ import annotations

from medcloud.hardware.verify.results import Status

LANGUAGES = ("en", "zh-CN")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "title": "Hardware acceptance report",
        "inventory": "Inventory", "started": "started", "finished": "finished",
        "devices_verified": "device(s) verified",
        "accepted": "ACCEPTED – every device meets its spec profile.",
        "failed": "NOT ACCEPTED – {failed} check(s) failed the spec; "
                  "{errors} finding(s) could not be checked.",
        "unverified": "NOT VERIFIED – nothing failed, but {errors} finding(s) could not be checked "
                      "(device unreachable or unreadable).",
        "incomplete": "INCOMPLETE – the run was interrupted; {not_run} device(s) were not verified. "
                      "This report is not an acceptance.",
        "follow_ups_count": "{n} manual follow-up(s) listed below must be settled by the people named.",
        "findings": "Findings", "follow_ups": "Manual follow-ups", "who": "Who", "what": "What",
        "not_run": "Not verified (run interrupted)",
        "by_rack": "Devices by rack", "elevation": "Rack elevation", "unplaced": "no unit given",
        "device": "Device", "rack": "Rack", "check": "Check", "requirement": "Requirement", "expected": "Expected",
        "actual": "Actual", "reason": "Reason", "status": "Status", "title_col": "Title", "profile": "profile",
        "room": "room", "identity": "Identity (as the device reports it)", "serial": "serial",
        "evidence": "Signature", "evidence_signed": "The JSON report {file} is signed (SM2 with SM3).",
        "evidence_unsigned": "UNSIGNED – no signing key was configured; the JSON report {file} carries its "
                             "SM3 digest only.",
        "signer": "Signer", "key_id": "Key id", "digest": "SM3 digest of the JSON report",
        "verification": "Verification",
        "valid": "valid", "invalid": "INVALID", "unsigned": "unsigned",
        "evidence_html": "This page carries its own SM3 digest (and signature) in a trailing evidence comment: "
                         "check it with `medcloud report verify`.",
        "sign_off": "Sign-off", "role": "Role", "name": "Name", "signature": "Signature", "date": "Date",
        "verdict": "Verdict", "roles": "Supplier representative|Hospital IT acceptance engineer|Project supervisor",
        "sign_off_note": "By signing, the parties confirm the verdict above for the devices listed, with the "
                         "manual follow-ups settled as noted.",
        "counts_line": "{pass} passed · {fail} failed · {error} errors · {skipped} skipped",
        "blocked": "checks not run because of this finding",
        "cabling": "Cabling (LLDP against the plan)", "port": "Port", "expected_neighbour": "Expected neighbour",
        "seen_neighbours": "Seen on the port (LLDP)", "note": "Note", "nothing_seen": "nothing seen",
        "seen_on": "expected neighbour seen on {ports} instead", "seen_nowhere": "expected neighbour seen on no port",
        "not_planned": "not in the cabling plan", "planned_ok": "as planned",
        "unexpected": "unexpected neighbour",
        "own_device": "a device of this inventory on a port the plan does not list",
    },
    "zh-CN": {
        "title": "硬件验收报告",
        "inventory": "设备清单", "started": "开始于", "finished": "结束于", "devices_verified": "台设备已验证",
        "accepted": "验收通过 —— 全部设备符合规格要求。",
        "failed": "验收不通过 —— {failed} 项检查不符合规格；{errors} 项未能检查。",
        "unverified": "未完成验证 —— 没有不符合项，但有 {errors} 项未能检查（设备不可达或输出无法读取）。",
        "incomplete": "验证未完成 —— 运行被中断，{not_run} 台设备未验证。本报告不作为验收依据。",
        "follow_ups_count": "下列 {n} 项人工跟进事项须由所列责任人完成。",
        "findings": "发现的问题", "follow_ups": "人工跟进事项", "who": "责任人", "what": "事项",
        "not_run": "未验证的设备（运行被中断）",
        "by_rack": "按机柜列出的设备", "elevation": "机柜布局", "unplaced": "未给出 U 位",
        "device": "设备", "rack": "机柜", "check": "检查项", "requirement": "要求编号", "expected": "期望值",
        "actual": "实际值", "reason": "原因", "status": "状态", "title_col": "名称", "profile": "规格模板",
        "room": "机房", "identity": "设备标识（设备自报）", "serial": "序列号",
        "evidence": "签名", "evidence_signed": "JSON 报告 {file} 已签名（SM2/SM3）。",
        "evidence_unsigned": "未签名 —— 未配置签名密钥；JSON 报告 {file} 仅含 SM3 摘要。",
        "signer": "签名人", "key_id": "密钥标识", "digest": "JSON 报告的 SM3 摘要", "verification": "验证结果",
        "valid": "有效", "invalid": "无效", "unsigned": "未签名",
        "evidence_html": "本页末尾的证据注释含本页的 SM3 摘要（及签名），可用 `medcloud report verify` 验证。",
        "sign_off": "签字确认", "role": "角色", "name": "姓名", "signature": "签字", "date": "日期",
        "verdict": "结论", "roles": "供应商代表|医院信息科验收工程师|项目监理",
        "sign_off_note": "各方签字确认上述设备的验收结论，人工跟进事项按备注处理。",
        "counts_line": "通过 {pass} · 不符合 {fail} · 错误 {error} · 跳过 {skipped}",
        "blocked": "项检查因此未运行",
        "cabling": "布线（LLDP 与布线规划对照）", "port": "端口", "expected_neighbour": "规划的对端",
        "seen_neighbours": "端口上看到的对端（LLDP）", "note": "说明", "nothing_seen": "未看到对端",
        "seen_on": "规划的对端实际出现在 {ports}", "seen_nowhere": "规划的对端未出现在任何端口",
        "not_planned": "不在布线规划中", "planned_ok": "与规划一致",
        "unexpected": "非预期的对端", "own_device": "本清单中的设备接在规划未列出的端口上",
    },
}

STATUS_NAMES: dict[str, dict[Status, str]] = {
    "en": {Status.PASS: "pass", Status.SKIPPED: "skipped", Status.FAIL: "fail", Status.ERROR: "error"},
    "zh-CN": {Status.PASS: "通过", Status.SKIPPED: "跳过", Status.FAIL: "不符合", Status.ERROR: "错误"},
}


def messages(lang: str) -> dict[str, str]:
    if lang not in MESSAGES:
        raise ValueError(f"unknown report language {lang!r} (known: {', '.join(LANGUAGES)})")
    return MESSAGES[lang]
