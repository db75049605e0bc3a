#include "wsspec/reports/html.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <functional>
#include <locale>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "wsspec/reference/handshake.hpp"
#include "wsspec/reference/opcode.hpp"
#include "wsspec/reports/packed.hpp"
#include "wsspec/reports/text.hpp"

namespace wsspec::reports {

namespace {

using namespace harness;

// Bounds on what is rendered, whatever the target sent (results.json keeps everything).
constexpr std::size_t log_rows_head = 75;    // wire-log rows shown from the start of a case
constexpr std::size_t log_rows_tail = 25;    // and from its end
constexpr std::size_t payload_text = 120;    // payload bytes shown as text per frame
constexpr std::size_t payload_hex = 64;      // as hex, when the payload is not text
constexpr std::size_t payload_hex_too = 32;  // as hex beside the text
constexpr std::size_t raw_shown = 48;        // bytes shown per read or write
constexpr std::size_t text_cap = 4096;       // bytes of a long text (handshake, requirement)
constexpr std::size_t line_cap = 1024;       // bytes of a one-line text (reason, log line)
constexpr std::size_t reasons_shown = 50;
constexpr std::size_t name_cap = 200;  // bytes of an agent's name
// Case bodies (requirement, verdicts, wire log) are packed in groups of about this many bytes of
// HTML, the same case of every agent side by side: enough for zlib to find what neighbouring
// cases share, little to unpack when one case is opened.
constexpr std::size_t pack_bytes = 256 * 1024;
// From this many agents on, the matrix and the breakdown are compact: a cell holds the verdict,
// the rest is in its tooltip, and agents' names are cut to the column's width.
constexpr std::size_t compact_agents = 4;

// The page's only script: filters over the matrix rows (the case details follow their row),
// opening the case a link points to, and unpacking what the writer packed: an agent's list of
// cases when the list is opened, a case's body when the case is open and near the screen. It reads
// data attributes the writer set and writes nothing but `hidden`, `open`, a class, textContent
// and, through the page's one Trusted Types policy, the HTML the writer rendered (escaped, like
// the rest of the page) and packed; so no target text can become markup through it.
constexpr std::string_view script = R"JS(
(function () {
  'use strict';
  var doc = document;
  var byId = function (id) { return doc.getElementById(id); };
  var failed = byId('f-failed'), section = byId('f-section'), level = byId('f-level'),
      verdict = byId('f-verdict'), query = byId('f-text'), raw = byId('f-raw'),
      count = byId('f-count'), packs = byId('packs');
  var rows = doc.querySelectorAll('tr[data-row]'), groups = doc.querySelectorAll('div.group');
  var cases = doc.getElementsByClassName('case');
  var shown = {};
  function has(list, word) { return (' ' + list + ' ').indexOf(' ' + word + ' ') >= 0; }
  function follow() {
    for (var j = 0; j < cases.length; j++)
      cases[j].hidden = !shown[cases[j].getAttribute('data-row')];
  }
  function apply() {
    var n = 0, text = query.value.trim().toLowerCase();
    shown = {};
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      var keep = (!failed.checked || r.getAttribute('data-failed') === '1') &&
                 (!section.value || r.getAttribute('data-section') === section.value) &&
                 (!level.value || r.getAttribute('data-level') === level.value) &&
                 (!verdict.value || has(r.getAttribute('data-verdicts'), verdict.value)) &&
                 (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !keep;
      if (keep) { shown[r.getAttribute('data-row')] = true; n++; }
    }
    for (var g = 0; g < groups.length; g++)
      groups[g].hidden = !groups[g].querySelector('tr[data-row]:not([hidden])');
    follow();
    count.textContent = n + ' of ' + rows.length + ' cases shown';
    doc.body.classList.toggle('show-raw', raw.checked);
  }
  var html = window.trustedTypes
      ? window.trustedTypes.createPolicy('wsspec-case', {createHTML: function (s) { return s; }})
      : {createHTML: function (s) { return s; }};
  var unpacked = [];
  function unpack(k) {
    if (!unpacked[k]) {
      unpacked[k] = new Promise(function (done) {
        var bin = atob(packs.children[k].getAttribute('value'));
        var bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        var text = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
        done(new Response(text).text());
      }).then(function (t) { return t.split('\u0000'); });
    }
    return unpacked[k];
  }
  function fill(el, k, part, then) {
    return unpack(k).then(function (parts) {
      el.innerHTML = html.createHTML(parts[part]);
      if (then) then();
    }, function () {
      el.textContent = 'This browser could not unpack this part of the report; results.json ' +
                       'holds it.';
    });
  }
  // A case is unpacked when it is opened on screen, or when it is open and comes near the screen.
  var margin = 1500;
  function unpackCase(d) {
    if (!d.hasAttribute('data-body')) return;
    near.unobserve(d);
    var at = d.getAttribute('data-body').split(' ');
    d.removeAttribute('data-body');
    fill(d.lastElementChild, +at[0], +at[1]);
  }
  var near = new IntersectionObserver(function (seen) {
    seen.forEach(function (s) { if (s.isIntersecting) unpackCase(s.target); });
  }, {rootMargin: margin + 'px 0px'});
  function watch(d) {
    if (!d.open || !d.hasAttribute('data-body')) return;
    var box = d.getBoundingClientRect();
    if (!d.hidden && box.bottom > -margin && box.top < window.innerHeight + margin)
      unpackCase(d);
    else
      near.observe(d);
  }
  var lists = {};
  function list(l) {
    var k = l.getAttribute('data-list');
    if (!lists[k]) {
      lists[k] = fill(l.lastElementChild, +k, 0, function () {
        follow();
        Array.prototype.forEach.call(l.getElementsByClassName('case'), watch);
      });
    }
    return lists[k];
  }
  function reveal() {
    var id = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : '';
    var el = id ? byId(id) : null, m = /^a(\d+)-c\d+$/.exec(id);
    var l = m && byId('agent-' + m[1]);
    l = l && l.querySelector('details.list');
    if (!l) return;
    l.open = true;
    if (!el) { list(l).then(function () { if (byId(id)) reveal(); }); return; }
    el.hidden = false;
    el.open = true;
    el.scrollIntoView();
    unpackCase(el);
  }
  doc.addEventListener('toggle', function (e) {
    var d = e.target;
    if (!d.open) return;
    if (d.classList.contains('list')) list(d);
    else if (d.classList.contains('case')) watch(d);
  }, true);
  [failed, section, level, verdict, raw].forEach(function (e) {
    e.addEventListener('change', apply);
  });
  query.addEventListener('input', apply);
  window.addEventListener('hashchange', reveal);
  apply();
  Array.prototype.forEach.call(doc.querySelectorAll('details.list[open]'), list);
  reveal();
  doc.documentElement.setAttribute('data-filters', 'ready');
})();
)JS";

constexpr std::string_view style = R"CSS(
:root{--ok:#1f9d55;--ns:#d29b00;--info:#3b82c4;--unimpl:#7c8591;--fail:#d63b3b;--err:#8e44ad;
--ink:#1d2330;--muted:#6a7383;--line:#dfe3ea;--bg:#f4f6f9;--card:#fff;--mono:ui-monospace,
"DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,
"Segoe UI","DejaVu Sans",Roboto,sans-serif}
header.top{background:#1d2330;color:#fff;padding:18px 28px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.2px}
header.top p{margin:4px 0 0;color:#b8c0cc}
main{padding:18px 28px;max-width:1500px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 18px;
margin:0 0 18px}
h2{font-size:17px;margin:0 0 12px}
h3{font-size:14px;margin:16px 0 8px;color:var(--muted);text-transform:uppercase;letter-spacing:.5px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.4px}
th.agent{text-transform:none;letter-spacing:0;font-size:13px;color:var(--ink)}
td.nowrap{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:var(--mono);font-size:12.5px}
.muted{color:var(--muted)}
.pill{display:inline-block;min-width:64px;text-align:center;padding:1px 8px;border-radius:10px;
color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.v-ok,.c-ok{background:var(--ok)}.v-ns,.c-wrong{background:var(--ns)}.c-unclean{background:#e07b00}
.v-info,.c-info{background:var(--info)}.v-unimpl{background:var(--unimpl)}
.v-fail,.c-fail{background:var(--fail)}.v-err,.c-err{background:var(--err)}
.gate-pass{color:var(--ok);font-weight:600}.gate-fail{color:var(--fail);font-weight:600}
.tot td.n{font-weight:600;font-size:15px;text-align:center;color:#fff}
.tot td.zero{background:#f0f2f5;color:#a3abb8;font-weight:400}
.grp{display:flex;align-items:center;gap:10px}
.bar{flex:1;display:flex;height:10px;border-radius:5px;overflow:hidden;background:#eef0f3;
min-width:120px}
.bar span{display:block;height:100%}
.counts{font-size:12px;color:var(--muted);white-space:nowrap;min-width:190px}
table.groups td{padding:4px 8px}
.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:10px 16px;align-items:center;
background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:0 0 12px;
box-shadow:0 2px 6px rgba(0,0,0,.04)}
.filters label{display:flex;gap:6px;align-items:center}
.filters select,.filters input[type=search]{font:inherit;padding:3px 6px;border:1px solid var(--line);
border-radius:5px;background:#fff}
#f-count{margin-left:auto;color:var(--muted)}
table.matrix td.cell{padding:3px 6px;white-space:nowrap}
table.matrix td.cell a{color:#fff;text-decoration:none}
.scroll{overflow-x:auto}
.box{max-height:calc(100vh - 90px);overflow:auto;border:1px solid var(--line);border-radius:6px}
table.matrix{table-layout:fixed}
table.matrix td,table.matrix th{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.matrix td:first-child{white-space:normal;overflow-wrap:anywhere}
table.matrix .pill.sub{display:block;width:max-content;max-width:100%;min-width:0;margin-top:3px;
font-size:11px;padding:0 7px;overflow:hidden;text-overflow:ellipsis}
table.head{position:sticky;top:0;z-index:3;background:#fff;box-shadow:0 1px var(--line)}
table.matrix th:first-child,table.matrix td:first-child{position:sticky;left:0;z-index:1;
background:#fff}
table.matrix tr.label th{position:static;overflow:visible;background:#f6f8fa;color:var(--ink);
text-transform:none;letter-spacing:0;font-size:13px}
table.matrix tr.label span{position:sticky;left:8px}
.group{content-visibility:auto}
table.matrix .desc{display:block;color:var(--muted);font-size:12px;overflow:hidden;
text-overflow:ellipsis;white-space:nowrap}
.name{display:inline-block;max-width:24em;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;
vertical-align:bottom}
table.many th.agent .name{max-width:8.5em}
table.matrix .name{display:block;max-width:none}
table.many .counts{display:none}table.many .bar{min-width:56px}
table.groups td:first-child{white-space:nowrap}
table.matrix small{color:var(--muted);margin-left:6px}
.lvl{font-size:11px;font-weight:700;letter-spacing:.4px;color:var(--muted)}
details.case{border:1px solid var(--line);border-radius:6px;margin:0 0 8px;background:#fff}
details.case>summary{cursor:pointer;padding:7px 10px;display:flex;gap:8px;align-items:baseline;
flex-wrap:wrap;list-style-position:inside}
details.case[open]>summary{border-bottom:1px solid var(--line);background:#fafbfc}
details.case .body{padding:10px 14px}
details.case .body:empty::before,details.list .cases:empty::before{content:"Unpacking\2026";
color:var(--muted)}
details.list>summary{cursor:pointer;margin:0 0 12px}
details.list>summary h2{display:inline;margin:0 8px 0 0}
blockquote.req{margin:0 0 10px;padding:8px 12px;border-left:4px solid #9aa5b5;background:#f6f8fa;
font-style:italic}
blockquote.req .src{font-style:normal;font-weight:600;color:var(--muted);margin-right:6px}
dl.facts{display:grid;grid-template-columns:110px 1fr;gap:4px 12px;margin:0 0 12px}
dl.facts dt{color:var(--muted);font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
dl.facts ul{margin:0;padding-left:18px}
table.log{font-family:var(--mono);font-size:12px}
table.log td{padding:3px 6px;border-bottom:1px solid #eef0f3}
table.log td.t{color:var(--muted);white-space:nowrap;text-align:right}
table.log td.d{font-weight:700;text-align:center;width:22px}
table.log tr.tx td.d{color:#2f6fc0}table.log tr.rx td.d{color:#b35c00}
table.log td.k{white-space:nowrap;color:var(--muted)}
table.log td.x{overflow-wrap:anywhere}
table.log tr.raw{display:none}body.show-raw table.log tr.raw{display:table-row}
table.log tr.bad td{background:#fdeeee}
table.log tr.gap td{text-align:center;color:var(--muted);font-style:italic;background:#fafbfc}
.op{font-weight:700}.hdr{color:var(--muted)}
.txt{color:#0b6b3a;background:#eef8f1;padding:0 3px;border-radius:3px;white-space:pre-wrap}
.hex{color:#5d4a8a}
.viol{color:#fff;background:var(--fail);border-radius:3px;padding:0 4px;margin-left:4px}
pre.hs{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;padding:4px 6px;
border-radius:4px}
footer{color:var(--muted);padding:8px 28px 28px;font-size:12px}
)CSS";

struct verdict_look {
  const char* css;
  const char* label;
};

verdict_look look(verdict v) {
  switch (v) {
    case verdict::ok:
      return {"v-ok", "Pass"};
    case verdict::non_strict:
      return {"v-ns", "Non-Strict"};
    case verdict::informational:
      return {"v-info", "Info"};
    case verdict::unimplemented:
      return {"v-unimpl", "Unimplemented"};
    case verdict::failed:
      return {"v-fail", "Fail"};
    case verdict::error:
      return {"v-err", "Error"};
  }
  return {"v-err", "Error"};
}

verdict_look look(close_verdict v) {
  switch (v) {
    case close_verdict::ok:
      return {"c-ok", "OK"};
    case close_verdict::wrong_code:
      return {"c-wrong", "Wrong code"};
    case close_verdict::unclean:
      return {"c-unclean", "Unclean"};
    case close_verdict::failed:
      return {"c-fail", "Fail"};
    case close_verdict::informational:
      return {"c-info", "Info"};
    case close_verdict::error:
      return {"c-err", "Error"};
  }
  return {"c-err", "Error"};
}

constexpr verdict verdict_order[] = {
    verdict::ok,     verdict::non_strict, verdict::informational, verdict::unimplemented,
    verdict::failed, verdict::error};

// Any text, escaped for HTML and capped.
std::string esc(std::string_view s, std::size_t cap = line_cap, bool lines = false) {
  return text::html(text::clip(text::visible(s, lines), cap), lines);
}

std::string ms(micros d) {
  const auto us = d.count() < 0 ? 0 : d.count();
  std::string frac = std::to_string(us % 1000);
  frac.insert(0, 3 - frac.size(), '0');
  return std::to_string(us / 1000) + "." + frac;
}

// The length of `b` without a character cut off at its end.
std::size_t complete_prefix(std::span<const std::uint8_t> b) {
  std::size_t start = b.size();
  while (start > 0 && (b[start - 1] & 0xC0) == 0x80) --start;
  if (start == 0) return b.size();
  const std::uint8_t lead = b[start - 1];
  const std::size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
  return b.size() - (start - 1) >= need ? b.size() : start - 1;
}

// A handshake without the empty line that ends it.
std::string_view trim_lines(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_problem(const case_result& r) {
  return !(r.behavior == verdict::ok || r.behavior == verdict::informational) ||
         !(r.close == close_verdict::ok || r.close == close_verdict::informational);
}

std::string plural(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// The rows of the matrix: every case id of any agent, in the first agent's order, then ids only
// later agents ran, in theirs.
struct row {
  std::string id;
  const case_result* meta = nullptr;  // the first result for this id, for what the case checks
  std::size_t section = 0;
  std::vector<const case_result*> per_agent;
};

struct layout {
  std::vector<row> rows;
  std::vector<std::string> sections;  // labels, in order of first appearance
};

layout lay_out(const report& r) {
  layout l;
  std::unordered_map<std::string, std::size_t> row_of;
  std::unordered_map<std::string, std::size_t> section_of;
  for (std::size_t a = 0; a < r.agents.size(); ++a) {
    for (const auto& res : r.agents[a].results) {
      auto [it, fresh] = row_of.try_emplace(res.id, l.rows.size());
      if (fresh) {
        row nr;
        nr.id = res.id;
        nr.meta = &res;
        const std::string label = section_label(res);
        auto [sit, new_section] = section_of.try_emplace(label, l.sections.size());
        if (new_section) l.sections.push_back(label);
        nr.section = sit->second;
        nr.per_agent.assign(r.agents.size(), nullptr);
        l.rows.push_back(std::move(nr));
      }
      auto& slot = l.rows[it->second].per_agent[a];
      if (!slot) slot = &res;
    }
  }
  return l;
}

std::string csp_hash() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(script.data()), script.size(), digest);
  return "sha256-" + ref::base64_encode(std::span<const std::uint8_t>(digest, sizeof digest));
}

// One case's body, as the page shows it when the case is opened: what the case checks, its
// verdicts and the wire log.
class case_body {
 public:
  case_body(std::ostream& out, const run_info& info) : out_(out), info_(info) {}

  void write(const case_result& res) {
    out_ << "<blockquote class=\"req\"><span class=\"src\">" << esc(res.rfc) << " §"
         << esc(res.section) << " · " << to_string(res.lvl) << "</span>“"
         << esc(res.requirement, text_cap, true) << "”</blockquote>\n<dl class=\"facts\">\n";
    out_ << "<dt>Description</dt><dd>" << esc(res.description, text_cap, true) << "</dd>\n";
    if (!res.note.empty())
      out_ << "<dt>Note</dt><dd>" << esc(res.note, text_cap, true) << "</dd>\n";
    out_ << "<dt>Verdict</dt><dd><span class=\"pill " << look(res.behavior).css << "\">"
         << to_string(res.behavior) << "</span> " << to_string(res.lvl) << " requirement"
         << (is_gate_failure(res, info_.strict)
                 ? ", <span class=\"gate-fail\">breaks the gate</span>"
                 : "")
         << "</dd>\n";
    out_ << "<dt>Expected</dt><dd>" << esc(res.expected, text_cap) << "</dd>\n";
    out_ << "<dt>Actual</dt><dd>" << esc(res.actual, text_cap) << "</dd>\n";
    if (!res.reasons.empty()) {
      out_ << "<dt>Findings</dt><dd><ul>";
      for (std::size_t k = 0; k < res.reasons.size() && k < reasons_shown; ++k) {
        const finding& f = res.reasons[k];
        out_ << "<li><span class=\"lvl\" title=\"the verdict this finding alone gives\">"
             << to_string(f.level) << "</span> <code>" << esc(f.code, 200) << "</code> "
             << esc(f.text) << "</li>";
      }
      if (res.reasons.size() > reasons_shown)
        out_ << "<li class=\"muted\">and " << res.reasons.size() - reasons_shown << " more</li>";
      out_ << "</ul></dd>\n";
    }
    out_ << "<dt>Closing</dt><dd><span class=\"pill " << look(res.close).css << "\">"
         << to_string(res.close) << "</span> ";
    if (res.remote_close_code) {
      out_ << "the target's Close code " << *res.remote_close_code;
      if (!res.remote_close_reason.empty()) reason(res.remote_close_reason);
    } else {
      out_ << "no close code from the target";
    }
    out_ << "</dd>\n<dt>Duration</dt><dd>" << ms(res.duration) << " ms; " << res.log.tx_bytes
         << " bytes sent, " << res.log.rx_bytes << " bytes received</dd>\n</dl>\n";
    wire_log(res.log);
  }

 private:
  void reason(const std::string& s) {
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(s.data()),
                                              std::min<std::size_t>(s.size(), 256));
    out_ << ", reason ";
    if (text::printable_utf8(bytes, s.size() > bytes.size()))
      out_ << "<span class=\"txt\">“" << esc(s, 256) << "”</span>";
    else
      out_ << "<code class=\"hex\">" << text::spaced_hex(bytes) << "</code>"
           << (s.size() > bytes.size() ? " …" : "") << " (not UTF-8 text)";
  }

  // A payload preview: the text when it is printable UTF-8, and the hex, both capped.
  void payload(std::span<const std::uint8_t> bytes, std::uint64_t full_size) {
    if (bytes.empty()) return;
    const std::span<const std::uint8_t> head = bytes.first(std::min(bytes.size(), payload_text));
    const bool text_cut = head.size() < full_size;
    const bool is_text = text::printable_utf8(head, text_cut);
    if (is_text) {
      const std::string_view s(reinterpret_cast<const char*>(head.data()), complete_prefix(head));
      out_ << " <span class=\"txt\">" << text::html(s, true) << (text_cut ? "…" : "") << "</span>";
    }
    const auto hex = bytes.first(std::min(bytes.size(), is_text ? payload_hex_too : payload_hex));
    out_ << " <span class=\"hex\">" << text::spaced_hex(hex) << (hex.size() < full_size ? " …" : "")
         << "</span>";
  }

  void frame(const entry& e) {
    const auto& h = e.header;
    const std::vector<std::uint8_t>& bytes = e.bytes;
    out_ << "<span class=\"op\">" << esc(ref::opcode_name(h.opcode))
         << "</span> <span class=\"hdr\">"
         << "FIN " << (h.fin ? 1 : 0) << " · RSV " << (h.rsv1 ? 1 : 0) << (h.rsv2 ? 1 : 0)
         << (h.rsv3 ? 1 : 0) << " · ";
    if (h.masked)
      out_ << "MASK " << text::spaced_hex(std::span<const std::uint8_t>(h.key.data(), 4));
    else
      out_ << "unmasked";
    out_ << " · LEN " << h.length;
    if (h.length_bytes) out_ << " (" << (h.length_bytes == 2 ? 16 : 64) << "-bit)";
    out_ << "</span>";
    if (h.opcode == 0x8 && bytes.size() >= 2) {
      // A Close body: the status code, then the reason.
      out_ << " <span class=\"op\">code " << (bytes[0] << 8 | bytes[1]) << "</span>";
      payload(std::span<const std::uint8_t>(bytes).subspan(2), e.size >= 2 ? e.size - 2 : 0);
    } else {
      payload(bytes, e.size);
    }
    e.violations.for_each(
        [&](ref::error err) { out_ << "<span class=\"viol\">" << ref::name(err) << "</span>"; });
  }

  void log_row(const entry& e) {
    const bool target_is_server = info_.role != "client";
    bool sent = false, received = false, raw = false;
    const char* label = "";
    switch (e.kind) {
      case entry_kind::tx_bytes:
        sent = raw = true;
        label = "write";
        break;
      case entry_kind::rx_bytes:
        received = raw = true;
        label = "read";
        break;
      case entry_kind::handshake_request:
        (target_is_server ? sent : received) = true;
        label = "request";
        break;
      case entry_kind::handshake_response:
        (target_is_server ? received : sent) = true;
        label = "response";
        break;
      case entry_kind::tx_frame:
        sent = true;
        label = "frame";
        break;
      case entry_kind::rx_frame:
        received = true;
        label = "frame";
        break;
      case entry_kind::rx_message:
        received = true;
        label = "message";
        break;
      case entry_kind::rx_close:
        received = true;
        label = "close";
        break;
      case entry_kind::tcp_fin:
        received = true;
        label = "TCP FIN";
        break;
      case entry_kind::tcp_error:
        received = true;
        label = "TCP error";
        break;
      case entry_kind::tcp_closed:
        sent = true;
        label = "TCP close";
        break;
      case entry_kind::connected:
        label = "connected";
        break;
      case entry_kind::violation:
        label = "violation";
        break;
      case entry_kind::mark:
        label = "mark";
        break;
      case entry_kind::timeout:
        label = "timeout";
        break;
      case entry_kind::note:
        label = "note";
        break;
    }
    const bool bad = e.kind == entry_kind::violation || !e.violations.empty() ||
                     e.kind == entry_kind::tcp_error || e.kind == entry_kind::timeout;
    out_ << "<tr class=\""
         << (sent       ? "tx"
             : received ? "rx"
                        : "ev")
         << (raw ? " raw" : "") << (bad ? " bad" : "") << "\"><td class=\"t\">" << ms(e.at)
         << "</td><td class=\"d\">"
         << (sent       ? "→"
             : received ? "←"
                        : "·")
         << "</td><td class=\"k\">" << label << "</td><td class=\"x\">";
    switch (e.kind) {
      case entry_kind::handshake_request:
      case entry_kind::handshake_response:
        out_ << "<pre class=\"hs\">" << esc(trim_lines(e.text), text_cap, true) << "</pre>";
        break;
      case entry_kind::tx_frame:
      case entry_kind::rx_frame:
        frame(e);
        break;
      case entry_kind::tx_bytes:
      case entry_kind::rx_bytes: {
        out_ << esc(e.text) << " <span class=\"hex\">"
             << text::spaced_hex(std::span<const std::uint8_t>(e.bytes).first(
                    std::min(e.bytes.size(), raw_shown)))
             << (e.size > std::min(e.bytes.size(), raw_shown) ? " …" : "") << "</span>";
        break;
      }
      default:
        out_ << esc(e.text);
        break;
    }
    out_ << "</td></tr>\n";
  }

  void wire_log(const transcript& t) {
    if (t.entries.empty()) {
      out_ << "<p class=\"muted\">No wire log.</p>\n";
      return;
    }
    const std::size_t n = t.entries.size();
    out_ << "<table class=\"log\"><thead><tr><th class=\"num\">ms</th><th></th><th>event</th>"
            "<th>wire log (→ sent by wsspec, ← sent by the target)</th></tr></thead><tbody>\n";
    for (std::size_t k = 0; k < n; ++k) {
      if (n > log_rows_head + log_rows_tail && k == log_rows_head) {
        out_ << "<tr class=\"gap\"><td colspan=\"4\">" << n - log_rows_head - log_rows_tail
             << " entries not shown here (results.json has them all)</td></tr>\n";
        k = n - log_rows_tail - 1;
        continue;
      }
      log_row(t.entries[k]);
    }
    out_ << "</tbody></table>\n";
  }

  std::ostream& out_;
  const run_info& info_;
};

class writer {
 public:
  writer(const report& r, std::ostream& out)
      : r_(r), out_(out), l_(lay_out(r)), compact_(r.agents.size() >= compact_agents) {
    for (const auto& a : r.agents) summaries_.push_back(summarize(a));
  }

  void write() {
    head();
    out_ << "<body>\n";
    banner();
    out_ << "<main>\n";
    runs();
    fuzzing();
    totals();
    breakdown();
    matrix();
    details();
    out_ << "</main>\n<footer>Rendered by wsspec from results.json (schema " << schema_version
         << "). Each case's details are packed in this page and unpacked when the case is "
            "opened. Wire logs show at most "
         << log_rows_head + log_rows_tail << " entries and " << payload_text
         << " payload bytes per frame; results.json holds the whole record."
            "</footer>\n";
    packs();
    out_ << "<script>" << script << "</script>\n</body>\n</html>\n";
  }

 private:
  void head() {
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         // Nothing is loaded from anywhere, only the page's own script runs, and the only markup
         // it makes from text goes through its one Trusted Types policy.
         << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src '"
         << csp_hash()
         << "'; base-uri 'none'; form-action 'none'; require-trusted-types-for 'script'; "
            "trusted-types wsspec-case\">\n<title>wsspec report";
    for (std::size_t a = 0; a < r_.agents.size(); ++a)
      out_ << (a ? ", " : ": ") << esc(r_.agents[a].info.agent, name_cap);
    out_ << "</title>\n<style>" << style << "</style>\n</head>\n";
  }

  // An agent's name, cut to its column's width by the style sheet, whole in its tooltip.
  std::string name(std::size_t agent) const {
    const std::string n = esc(r_.agents[agent].info.agent, name_cap);
    return "<span class=\"name\" title=\"" + n + "\">" + n + "</span>";
  }

  void banner() {
    std::size_t gate = 0, total = 0;
    for (const auto& s : summaries_) {
      gate += s.gate_failures + s.errors;
      total += s.total;
    }
    out_ << "<header class=\"top\"><h1>wsspec conformance report</h1><p>" << r_.agents.size()
         << (r_.agents.size() == 1 ? " agent, " : " agents, ") << total << " results, "
         << (gate ? "<span class=\"gate-fail\">" + plural(gate, "gate failure") + "</span>"
                  : std::string("<span class=\"gate-pass\">gate passed</span>"))
         << "</p></header>\n";
  }

  void runs() {
    out_ << "<section class=\"card\" id=\"runs\"><h2>Runs</h2>\n<div class=\"scroll\"><table>\n"
            "<thead><tr><th>Agent</th><th>Target</th><th>Role</th><th>Started</th>"
            "<th class=\"num\">Wall time</th><th>Seed</th><th>Selection</th><th>Options</th>"
            "<th>Tool</th></tr></thead>\n<tbody>\n";
    for (std::size_t a = 0; a < r_.agents.size(); ++a) {
      const auto& i = r_.agents[a].info;
      auto join = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& p : v) s += (s.empty() ? "" : " ") + p;
        return s;
      };
      std::string selection = i.selection.empty() ? "all" : join(i.selection);
      if (!i.exclude.empty()) selection += " minus " + join(i.exclude);
      std::string options = "jobs " + std::to_string(i.jobs) + ", close timeout " +
                            std::to_string(i.close_timeout_ms) + " ms";
      if (i.time_scale != 1.0) {
        const auto hundredths = static_cast<long long>(i.time_scale * 100.0 + 0.5);
        options += ", deadlines ×" + std::to_string(hundredths / 100) + "." +
                   std::to_string(hundredths % 100 / 10) + std::to_string(hundredths % 10);
      }
      if (i.strict) options += ", strict";
      if (i.tls_unverified) options += ", server certificate not verified (--insecure)";
      if (!i.shard.empty()) options += ", shard " + i.shard;
      out_ << "<tr><td class=\"nowrap\"><strong>" << name(a) << "</strong></td><td><code>"
           << esc(i.target) << "</code></td><td>" << esc(i.role) << "</td><td class=\"nowrap\">"
           << esc(i.started) << "</td><td class=\"num nowrap\">" << i.wall_ms << " ms</td><td>"
           << i.seed << "</td><td>" << esc(selection) << "</td><td>" << esc(options)
           << "</td><td class=\"nowrap\">wsspec " << esc(i.tool_version) << "</td></tr>\n";
    }
    out_ << "</tbody></table></div></section>\n";
  }

  // A fuzzing campaign's figures: sessions, their rate, the rules broken and how often, and
  // what the mutated sessions sent. Its findings are the agent's cases below.
  void fuzzing() {
    bool any = false;
    for (const auto& a : r_.agents) any = any || a.info.fuzz.has_value();
    if (!any) return;
    out_ << "<section class=\"card\" id=\"fuzzing\"><h2>Fuzzing</h2>\n";
    for (std::size_t a = 0; a < r_.agents.size(); ++a) {
      if (!r_.agents[a].info.fuzz) continue;
      const auto& f = *r_.agents[a].info.fuzz;
      const std::uint64_t rate = f.wall_ms ? f.runs * 1000 / f.wall_ms : 0;
      out_ << "<p><strong>" << name(a) << "</strong>: " << f.runs << " sessions in " << f.wall_ms
           << " ms (" << rate << " per second), " << f.undecided << " left undecided by the "
           << "reference, " << f.informational << " informational; next run " << f.next_run
           << (f.target_died ? "; <span class=\"gate-fail\">the target stopped echoing</span>" : "")
           << "</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Rule broken</th>"
              "<th class=\"num\">Sessions</th></tr></thead>\n<tbody>\n";
      for (const auto& [key, n] : f.findings)
        out_ << "<tr><td><code>" << esc(key) << "</code></td><td class=\"num\">" << n
             << "</td></tr>\n";
      if (f.findings.empty()) out_ << "<tr><td>none</td><td class=\"num\">0</td></tr>\n";
      out_ << "</tbody></table></div>\n<div class=\"scroll\"><table>\n<thead><tr><th>Sent"
              "</th><th class=\"num\">Sessions</th></tr></thead>\n<tbody>\n";
      for (const auto& [kind, n] : f.kinds)
        out_ << "<tr><td>" << esc(kind) << "</td><td class=\"num\">" << n << "</td></tr>\n";
      out_ << "</tbody></table></div>\n";
    }
    out_ << "</section>\n";
  }

  void totals() {
    out_ << "<section class=\"card\" id=\"summary\"><h2>Summary</h2>\n<div class=\"scroll\">"
            "<table class=\"tot\">\n<thead><tr><th>Agent</th>";
    for (verdict v : verdict_order) out_ << "<th class=\"num\">" << look(v).label << "</th>";
    out_ << "<th class=\"num\">Close not OK</th><th>Gate</th></tr></thead>\n<tbody>\n";
    for (std::size_t a = 0; a < r_.agents.size(); ++a) {
      const summary& s = summaries_[a];
      out_ << "<tr data-agent-summary><td><strong>" << name(a) << "</strong></td>";
      for (verdict v : verdict_order) {
        const std::size_t n = s.count(v);
        out_ << "<td class=\"n " << (n ? look(v).css : "zero") << "\">" << n << "</td>";
      }
      const std::size_t close_bad = s.close_not_ok();
      out_ << "<td class=\"n " << (close_bad ? "c-unclean" : "zero") << "\">" << close_bad
           << "</td><td>" << gate_cell(s) << "</td></tr>\n";
    }
    out_ << "</tbody></table></div>\n";
  }

  // An agent's gate: passed, or what failed it.
  static std::string gate_cell(const summary& s) {
    if (!s.gate_failures && !s.errors) return "<span class=\"gate-pass\">passed</span>";
    std::string why;
    if (s.gate_failures)
      why = plural(s.gate_failures, s.strict ? "MUST/SHOULD failure" : "MUST failure");
    if (s.errors) why += (why.empty() ? "" : ", ") + plural(s.errors, "case") + " in ERROR";
    return "<span class=\"gate-fail\">" + why + "</span>";
  }

  // A stacked bar and the non-zero counts of one group of results (in its tooltip too, which is
  // all a compact table shows of them).
  void bar(const tally& group) {
    std::string counts;
    for (verdict v : verdict_order) {
      const std::size_t n = group.count(v);
      if (!n) continue;
      counts += (counts.empty() ? "" : " · ") + std::to_string(n) + " " + look(v).label;
    }
    out_ << "<div class=\"grp\" title=\"" << counts << "\"><div class=\"bar\">";
    for (verdict v : verdict_order) {
      const std::size_t n = group.count(v);
      if (!n) continue;
      // Tenths of a percent, written without the stream's locale.
      const std::size_t permille = n * 1000 / group.total;
      out_ << "<span class=\"" << look(v).css << "\" style=\"width:" << permille / 10 << "."
           << permille % 10 << "%\"></span>";
    }
    out_ << "</div><span class=\"counts\">" << counts << "</span></div>";
  }

  const char* table_class() const { return compact_ ? " many" : ""; }

  void agent_headers() {
    for (std::size_t a = 0; a < r_.agents.size(); ++a)
      out_ << "<th class=\"agent\">" << name(a) << "</th>";
  }

  // A row per group that has cases: how many cases (of any agent) it holds, and a bar of each
  // agent's counts in it.
  void breakdown_table(const char* title, const std::vector<std::string>& labels,
                       const std::function<std::size_t(const row&)>& group_of,
                       const std::function<const tally*(const summary&, std::size_t)>& counts) {
    out_ << "<h3>" << title << "</h3>\n<div class=\"scroll\"><table class=\"groups" << table_class()
         << "\">\n<thead><tr><th>" << title << "</th><th class=\"num\">Cases</th>";
    agent_headers();
    out_ << "</tr></thead>\n<tbody>\n";
    for (std::size_t g = 0; g < labels.size(); ++g) {
      const auto cases = std::count_if(l_.rows.begin(), l_.rows.end(),
                                       [&](const row& rw) { return group_of(rw) == g; });
      if (!cases) continue;
      out_ << "<tr><td>" << esc(labels[g]) << "</td><td class=\"num\">" << cases << "</td>";
      for (const auto& s : summaries_) {
        out_ << "<td>";
        if (const tally* t = counts(s, g); t && t->total) bar(*t);
        out_ << "</td>";
      }
      out_ << "</tr>\n";
    }
    out_ << "</tbody></table></div>\n";
  }

  void breakdown() {
    breakdown_table(
        "Section", l_.sections, [](const row& rw) { return rw.section; },
        [&](const summary& s, std::size_t g) -> const tally* {
          for (const auto& [label, t] : s.sections)
            if (label == l_.sections[g]) return &t;
          return nullptr;
        });
    breakdown_table(
        "Level", {"MUST", "SHOULD", "MAY"},
        [](const row& rw) { return static_cast<std::size_t>(rw.meta->lvl); },
        [](const summary& s, std::size_t g) -> const tally* {
          const auto it = s.levels.find(static_cast<level>(g));
          return it == s.levels.end() ? nullptr : &it->second;
        });
    out_ << "</section>\n";
  }

  void filters() {
    out_ << "<div class=\"filters\" role=\"search\">"
            "<label><input type=\"checkbox\" id=\"f-failed\"> Failed only</label>"
            "<label>Section <select id=\"f-section\"><option value=\"\">all</option>";
    for (std::size_t i = 0; i < l_.sections.size(); ++i)
      out_ << "<option value=\"s" << i << "\">" << esc(l_.sections[i]) << "</option>";
    out_ << "</select></label><label>Level <select id=\"f-level\"><option value=\"\">all</option>"
            "<option>MUST</option><option>SHOULD</option><option>MAY</option></select></label>"
            "<label>Verdict <select id=\"f-verdict\"><option value=\"\">all</option>";
    for (verdict v : verdict_order)
      out_ << "<option value=\"" << look(v).css << "\">" << look(v).label << "</option>";
    out_ << "</select></label><label><input type=\"search\" id=\"f-text\" "
            "placeholder=\"id or Autobahn number\"></label>"
            "<label><input type=\"checkbox\" id=\"f-raw\"> Raw bytes in wire logs</label>"
            "<span id=\"f-count\"></span></div>\n";
  }

  std::string anchor(std::size_t agent, std::size_t row_index) const {
    return "a" + std::to_string(agent) + "-c" + std::to_string(row_index);
  }

  // The matrix's column widths: fixed, so that the header and every group of rows line up and a
  // group is laid out without looking at the others.
  std::size_t case_width() const { return compact_ ? 380 : 460; }
  std::size_t agent_width() const { return compact_ ? 112 : 230; }
  static constexpr std::size_t autobahn_width = 96;
  static constexpr std::size_t level_width = 78;

  void columns() {
    out_ << "<colgroup><col style=\"width:" << case_width()
         << "px\"><col style=\"width:" << autobahn_width
         << "px\"><col style=\"width:" << level_width << "px\">";
    for (std::size_t a = 0; a < r_.agents.size(); ++a)
      out_ << "<col style=\"width:" << agent_width() << "px\">";
    out_ << "</colgroup>";
  }

  std::size_t matrix_width() const {
    return case_width() + autobahn_width + level_width + agent_width() * r_.agents.size();
  }

  void matrix_table(const char* kind) {
    out_ << "<table class=\"matrix " << kind << table_class()
         << "\" style=\"width:" << matrix_width() << "px\">";
    columns();
  }

  // Rows are grouped by section (consecutive rows of one section), each group in a table of its
  // own that the browser lays out only when it comes near the screen; the header stays on top.
  void matrix() {
    out_ << "<section class=\"card\" id=\"cases\"><h2>Cases</h2>\n";
    filters();
    out_ << "<div class=\"box\">";
    matrix_table("head");
    out_ << "<thead><tr><th>Case</th><th>Autobahn</th><th>Level</th>";
    agent_headers();
    out_ << "</tr></thead></table>\n";
    for (std::size_t first = 0, end = 0; first < l_.rows.size(); first = end) {
      const std::size_t sec = l_.rows[first].section;
      end = first;
      while (end < l_.rows.size() && l_.rows[end].section == sec) ++end;
      // As wide as its table (it clips what overflows it), and as high as it will likely be
      // until it has been laid out once.
      out_ << "<div class=\"group\" style=\"width:" << matrix_width()
           << "px;contain-intrinsic-size:auto " << (end - first + 1) * 42 << "px\">";
      matrix_table("rows");
      out_ << "<tbody><tr class=\"label\"><th colspan=\"" << 3 + r_.agents.size() << "\"><span>"
           << esc(l_.sections[sec]) << "</span></th></tr>\n";
      for (std::size_t i = first; i < end; ++i) matrix_row(i);
      out_ << "</tbody></table></div>\n";
    }
    out_ << "</div></section>\n";
  }

  void matrix_row(std::size_t i) {
    const row& rw = l_.rows[i];
    std::string verdicts;
    bool failed = false;
    for (std::size_t a = 0; a < rw.per_agent.size(); ++a) {
      if (!rw.per_agent[a]) continue;
      if (!verdicts.empty()) verdicts.push_back(' ');
      verdicts.append(look(rw.per_agent[a]->behavior).css);
      failed = failed || is_gate_failure(*rw.per_agent[a], r_.agents[a].info.strict);
    }
    out_ << "<tr data-row=\"" << i << "\" data-section=\"s" << rw.section << "\" data-level=\""
         << to_string(rw.meta->lvl) << "\" data-verdicts=\"" << verdicts << "\" data-failed=\""
         << (failed ? 1 : 0) << "\"><td><code>" << esc(rw.id) << "</code><span class=\"desc\">"
         << esc(rw.meta->description, 300) << "</span></td><td class=\"mono\">"
         << esc(rw.meta->autobahn) << "</td><td class=\"lvl\">" << to_string(rw.meta->lvl)
         << "</td>";
    for (std::size_t a = 0; a < rw.per_agent.size(); ++a) {
      if (const case_result* res = rw.per_agent[a])
        cell(a, i, *res);
      else
        out_ << "<td class=\"cell muted\">not run</td>";
    }
    out_ << "</tr>\n";
  }

  // A matrix cell: the verdict linking to the case's details, the duration and the target's close
  // code (in the tooltip when the matrix is compact), and below them the close verdict when it is
  // not OK.
  void cell(std::size_t a, std::size_t i, const case_result& res) {
    std::string facts =
        std::to_string((std::max<std::int64_t>(res.duration.count(), 0) + 500) / 1000) + " ms";
    if (res.remote_close_code) facts += " · " + std::to_string(*res.remote_close_code);
    out_ << "<td class=\"cell\"><a class=\"pill " << look(res.behavior).css << "\" href=\"#"
         << anchor(a, i) << "\"";
    if (compact_) out_ << " title=\"" << look(res.behavior).label << " · " << facts << "\"";
    out_ << ">" << look(res.behavior).label << "</a>";
    if (!compact_) out_ << "<small>" << facts << "</small>";
    if (res.close != close_verdict::ok)
      out_ << " <span class=\"pill sub " << look(res.close).css << "\" title=\"close verdict\">"
           << "close: " << look(res.close).label << "</span>";
    out_ << "</td>";
  }

  // Where each case's body is: which pack, which part of it. Bodies are packed row by row, every
  // agent's result for a case side by side, since they have most in common.
  struct place {
    std::size_t pack = 0;
    std::size_t part = 0;
  };

  void pack_bodies() {
    places_.assign(r_.agents.size(), std::vector<place>(l_.rows.size()));
    std::string group;
    std::size_t parts = 0;
    const auto close = [&] {
      if (!parts) return;
      packs_.push_back(pack(group));
      group.clear();
      parts = 0;
    };
    std::ostringstream body;
    body.imbue(std::locale::classic());
    for (std::size_t i = 0; i < l_.rows.size(); ++i) {
      for (std::size_t a = 0; a < r_.agents.size(); ++a) {
        const case_result* res = l_.rows[i].per_agent[a];
        if (!res) continue;
        body.str("");
        case_body(body, r_.agents[a].info).write(*res);
        // Parts are separated by NUL, which no rendered text holds (text::visible shows it as a
        // symbol).
        if (parts) group.push_back('\0');
        places_[a][i] = {packs_.size(), parts++};
        group += body.str();
        if (group.size() >= pack_bytes) close();
      }
    }
    close();
  }

  // Each agent's cases, in a list of their summary lines that is packed too and unpacked when the
  // list is opened. Lists start open while the report is small, closed once it is compact.
  void details() {
    pack_bodies();
    std::ostringstream list;
    list.imbue(std::locale::classic());
    for (std::size_t a = 0; a < r_.agents.size(); ++a) {
      list.str("");
      std::size_t cases = 0, problems = 0;
      for (std::size_t i = 0; i < l_.rows.size(); ++i) {
        if (const case_result* res = l_.rows[i].per_agent[a]) {
          one_case(list, a, i, *res);
          ++cases;
          problems += is_problem(*res) ? 1 : 0;
        }
      }
      out_ << "<section class=\"card\" id=\"agent-" << a
           << "\"><details class=\"list\" data-list=\"" << packs_.size() << "\""
           << (compact_ ? "" : " open")
           << "><summary><h2>Details: " << esc(r_.agents[a].info.agent, name_cap)
           << "</h2> <span class=\"muted\">" << plural(cases, "case") << ", " << problems
           << " not OK</span></summary><div class=\"cases\"></div></details></section>\n";
      packs_.push_back(pack(list.str()));
    }
  }

  // A case's summary line; its body is filled from its pack when the case is opened. Cases that
  // are not OK start open.
  void one_case(std::ostream& out, std::size_t a, std::size_t i, const case_result& res) const {
    out << "<details class=\"case\" id=\"" << anchor(a, i) << "\" data-row=\"" << i
        << "\" data-body=\"" << places_[a][i].pack << " " << places_[a][i].part << "\""
        << (is_problem(res) ? " open" : "") << "><summary><span class=\"pill "
        << look(res.behavior).css << "\">" << look(res.behavior).label
        << "</span><span class=\"pill " << look(res.close).css
        << "\">close: " << look(res.close).label << "</span><code>" << esc(res.id) << "</code>";
    if (!res.autobahn.empty())
      out << "<span class=\"muted\">Autobahn " << esc(res.autobahn) << "</span>";
    out << "<span>" << esc(res.description, 300) << "</span><span class=\"muted\">"
        << ms(res.duration) << " ms</span></summary><div class=\"body\"></div></details>\n";
  }

  void packs() {
    out_ << "<div id=\"packs\" hidden>";
    for (const auto& p : packs_) out_ << "<data value=\"" << p << "\"></data>";
    out_ << "</div>\n";
  }

  const report& r_;
  std::ostream& out_;
  layout l_;
  bool compact_;
  std::vector<summary> summaries_;          // one per agent
  std::vector<std::vector<place>> places_;  // [agent][row]
  std::vector<std::string> packs_;
};

}  // namespace

void write_html(const report& r, std::ostream& out) {
  const text::classic_numbers numbers(out);
  writer(r, out).write();
}

}  // namespace wsspec::reports
