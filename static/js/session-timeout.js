/*
 * The idle-timeout warning (WCAG 2.2.1): the server ends a session SESSION_COOKIE_AGE
 * seconds after its idle clock last restarted (a request restarts it when it is more than a
 * minute old, plans/sessions.py); the page says how many seconds its session has left
 * (data-session-seconds). SESSION_WARNING_SECONDS before the end, this script opens
 * the dialog in templates/base.html so the user can stay signed in (a POST to the
 * keep-alive URL, which restarts the server's clock) or sign out. When the time runs out
 * it signs out and lands on the sign-in page, which says why and returns here afterwards.
 *
 * Markup contract (rendered only for a signed-in user):
 *   <dialog id="session-timeout" data-session-seconds="900" data-warning-seconds="120"
 *           data-expired-url="/accounts/login/?expired=1">
 *     ... <strong data-session-countdown></strong>
 *     <form data-session-keep-alive action="KEEP-ALIVE URL">(csrf) Stay signed in</form>
 *     <form data-session-sign-out action="LOGOUT URL">(csrf) <input name="next"> Sign out</form>
 *   </dialog>
 *
 * The native <dialog> opened with showModal() makes the rest of the page inert; Tab is
 * also kept inside the dialog here, and Escape closes it and keeps the session, as "Stay
 * signed in" does (a user who presses a key is present). Tabs of the same site share the
 * session's end through localStorage, so activity in one tab keeps the others from signing
 * out.
 * Plain ES2017, no inline handlers, no eval (CSP).
 */
(function () {
  "use strict";

  var STORAGE_KEY = "stratplan.session.endsAt";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") {
    return; // signed out, or a browser without <dialog>: the server still ends the session
  }
  var sessionMs = Number(dialog.getAttribute("data-session-seconds")) * 1000;
  var warningMs = Number(dialog.getAttribute("data-warning-seconds")) * 1000;
  if (!(sessionMs > 0)) {
    return;
  }
  var countdown = dialog.querySelector("[data-session-countdown]");
  var keepAliveForm = dialog.querySelector("form[data-session-keep-alive]");
  var signOutForm = dialog.querySelector("form[data-session-sign-out]");
  var timer = null;
  var ticker = null;
  var returnFocus = null;
  var endsAt = 0;

  function sharedEnd() {
    try {
      return Number(window.localStorage.getItem(STORAGE_KEY)) || 0;
    } catch (error) {
      return 0;
    }
  }

  /* The server's clock restarted: the session now ends `ms` from now. */
  function recordEnd(ms) {
    endsAt = Date.now() + ms;
    try {
      window.localStorage.setItem(STORAGE_KEY, String(Math.max(endsAt, sharedEnd())));
    } catch (error) {
      // storage unavailable: this tab keeps its own clock
    }
    schedule();
  }

  function deadline() {
    return Math.max(endsAt, sharedEnd());
  }

  function schedule() {
    window.clearTimeout(timer);
    var now = Date.now();
    var end = deadline();
    if (now >= end) {
      expire();
    } else if (now >= end - warningMs) {
      openWarning();
      timer = window.setTimeout(schedule, end - now);
    } else {
      closeWarning();
      timer = window.setTimeout(schedule, end - warningMs - now);
    }
  }

  function plural(count, unit) {
    return count + " " + unit + (count === 1 ? "" : "s");
  }

  function showRemaining() {
    var seconds = Math.max(0, Math.ceil((deadline() - Date.now()) / 1000));
    countdown.textContent =
      seconds >= 60 ? plural(Math.ceil(seconds / 60), "minute") : plural(seconds, "second");
  }

  function openWarning() {
    showRemaining();
    if (dialog.open) {
      return;
    }
    returnFocus = document.activeElement;
    dialog.showModal();
    keepAliveForm.querySelector("button").focus();
    ticker = window.setInterval(showRemaining, 1000);
  }

  function closeWarning() {
    if (dialog.open) {
      dialog.close();
    }
  }

  function expire() {
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    var here = window.location.pathname + window.location.search;
    var url = dialog.getAttribute("data-expired-url");
    signOutForm.elements.next.value = url + "&next=" + encodeURIComponent(here);
    signOutForm.submit();
  }

  /* POST the keep-alive form; a signed-out session answers with a redirect to sign-in,
     which "manual" turns into an opaque response that is not ok. */
  function keepAlive() {
    return window
      .fetch(keepAliveForm.action, {
        method: "POST",
        body: new FormData(keepAliveForm),
        credentials: "same-origin",
        redirect: "manual",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          expire();
          return null;
        }
        return response.json().then(function (body) {
          recordEnd(Number(body.expires_in) * 1000 || sessionMs);
        });
      })
      .catch(expire);
  }

  function trapTab(event) {
    if (event.key !== "Tab") {
      return;
    }
    var focusable = dialog.querySelectorAll("button, [href], input:not([type=hidden])");
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  keepAliveForm.addEventListener("submit", function (event) {
    event.preventDefault();
    keepAlive();
  });
  // Escape closes the dialog (the browser does it); that keeps the session, as "Stay
  // signed in" does.
  dialog.addEventListener("close", function () {
    window.clearInterval(ticker);
    if (returnFocus && typeof returnFocus.focus === "function") {
      returnFocus.focus();
    }
    // Closed by the user (Escape) rather than by recorded activity: the end is still near.
    if (Date.now() >= deadline() - warningMs) {
      keepAlive();
    }
  });
  dialog.addEventListener("keydown", trapTab);
  // Another tab's activity moves this tab's deadline too.
  window.addEventListener("storage", function (event) {
    if (event.key === STORAGE_KEY) {
      schedule();
    }
  });

  recordEnd(sessionMs); // what the session had left when this page was served
})();
