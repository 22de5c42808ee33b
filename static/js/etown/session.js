// Idle sign-out warning (issue 14): the session ends after 30 idle minutes (等保 会话超时).
// Five minutes before, show a Chinese warning with 继续, which pings the server to extend
// the session, so a half-filled form is not lost. No inline script (CSP): data comes
// from the <body> data attributes set by base.html for signed-in users.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.sessionIdle || "0", 10);
  var ping = body.dataset.sessionPing;
  if (!idle || !ping) { return; }
  var lead = Math.min(300, Math.floor(idle / 6));
  var warnTimer, endTimer, box;

  function remove() { if (box) { box.remove(); box = null; } }

  function expired() {
    remove();
    window.location.reload();
  }

  function warn() {
    remove();
    box = document.createElement("div");
    box.className = "alert alert-warning shadow position-fixed bottom-0 end-0 m-3 d-flex align-items-center gap-3";
    box.setAttribute("role", "alertdialog");
    box.setAttribute("aria-live", "assertive");
    box.dataset.testid = "session-warning";
    var text = document.createElement("span");
    text.textContent = "您已约 " + Math.round((idle - lead) / 60) + " 分钟未操作，" + Math.round(lead / 60) +
      " 分钟后将自动退出登录，未提交的内容会丢失。";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary btn-sm";
    button.textContent = "继续";
    button.addEventListener("click", extend);
    box.appendChild(text);
    box.appendChild(button);
    body.appendChild(box);
    button.focus();
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(warn, (idle - lead) * 1000);
    endTimer = setTimeout(expired, idle * 1000 + 2000);
  }

  function extend() {
    fetch(ping, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": body.dataset.csrf || "", "X-Requested-With": "XMLHttpRequest" },
    }).then(function (response) {
      if (response.ok) { remove(); schedule(); } else { expired(); }
    }).catch(expired);
  }

  schedule();
})();
