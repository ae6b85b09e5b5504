/* sopkit composer: fills in the case a procedure mandates (e.g. for Min Sykehuspartner).
 *
 * The page carries the procedure's parsed ticket patterns as JSON
 * (sopkit.ticket.composer_data). They are filled by the same rules as
 * `sopkit ticket` (see src/sopkit/ticket.py); the browser tests compare the two
 * character for character. Plain JavaScript: no network, no dependencies.
 */
(function () {
  "use strict";

  /* ------------------------------------------------------------ the rules */

  function clean(data, field, raw) {
    var text = String(raw).replace(/\r\n?/g, "\n");
    if (!field || !field.multiline) text = text.replace(/\n/g, " ");
    var ws = data.whitespace;
    return text.replace(new RegExp("^" + ws + "+|" + ws + "+$", "g"), "");
  }

  function mobileNumber(data, value) {
    var compact = value.replace(new RegExp(data.whitespace, "g"), "");
    if (!new RegExp(data.mobile).test(compact)) return null;
    var digits = compact.slice(-8);
    return digits.slice(0, 3) + " " + digits.slice(3, 5) + " " + digits.slice(5);
  }

  /* What each placeholder shows ("" when empty), and the fields that are wrong. */
  function check(data, values) {
    var shown = {};
    var problems = [];
    data.fields.forEach(function (field) {
      var value = clean(data, field, values[field.key] || "");
      if (!value) {
        if (field.required) problems.push({ field: field, code: "missing" });
        else shown[field.key] = "";
        return;
      }
      var display = value;
      if (field.choices) {
        display = null;
        field.choices.forEach(function (choice) {
          if (choice.value === value) display = choice.text;
        });
      } else if (field.kind === "mobile") {
        display = mobileNumber(data, value);
      }
      if (display === null) problems.push({ field: field, code: "invalid" });
      shown[field.key] = display;
    });
    return { shown: shown, problems: problems };
  }

  function line(data, pattern, shown, keep) {
    var names = pattern.filter(function (t) { return t[0] === "field"; });
    if (names.length && !keep && names.every(function (t) { return shown[t[1]] === ""; })) {
      return null;
    }
    return pattern.map(function (token) {
      if (token[0] === "text") return token[1];
      var known = shown[token[1]];
      if (known === undefined || known === null) return placeholderOf(data, token[1]);
      return known;
    }).join("");
  }

  function placeholderOf(data, key) {
    if (Object.prototype.hasOwnProperty.call(data.builtins, key)) return data.builtins[key];
    var field = data.fields.filter(function (f) { return f.key === key; })[0];
    return field.placeholder;
  }

  function lines(data, patterns, shown) {
    return patterns.map(function (p) { return line(data, p, shown, false); })
      .filter(function (text) { return text !== null; });
  }

  function fill(data, shown) {
    return {
      subject: line(data, data.subject, shown, true),
      description: lines(data, data.description, shown).join("\n"),
      say: lines(data, data.phone, shown)
    };
  }

  /* ------------------------------------------------------------ the page */

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "sopkit-offscreen";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy failed"));
    });
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function init(form) {
    var data = JSON.parse(document.getElementById("sopkit-composer-data").textContent);
    var msg = form.dataset;
    var summary = document.getElementById("sopkit-summary");
    var summaryList = document.getElementById("sopkit-summary-list");
    var result = document.getElementById("sopkit-result");
    var resultTitle = document.getElementById("sopkit-result-title");
    var status = document.getElementById("sopkit-status");
    var caseNumber = document.getElementById("sopkit-case-number");
    var attempted = false;
    var shown = null;

    function box(key) { return form.querySelector('[data-field="' + key + '"]'); }
    function controls(key) { return box(key).querySelectorAll("input, select, textarea"); }

    function values() {
      var out = {};
      data.fields.forEach(function (field) {
        out[field.key] = form.elements.namedItem(field.key).value;
      });
      return out;
    }

    function announce(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function message(problem) {
      var field = problem.field;
      if (field.kind === "mobile" && problem.code === "invalid") return msg.msgMobile;
      if (problem.code === "invalid") return msg.msgInvalid;
      return field.choices ? msg.msgMissingChoice : msg.msgMissing;
    }

    function setDescribedBy(control, id, on) {
      var ids = (control.getAttribute("aria-describedby") || "").split(" ")
        .filter(function (x) { return x && x !== id; });
      if (on) ids.unshift(id);
      if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
      else control.removeAttribute("aria-describedby");
    }

    function showProblem(field, problem) {
      var container = box(field.key);
      var note = container.querySelector(".sopkit-message");
      note.textContent = "";
      if (problem) {
        var prefix = document.createElement("span");
        prefix.className = "sopkit-visually-hidden";
        prefix.textContent = msg.msgErrorPrefix;
        note.appendChild(prefix);
        note.appendChild(document.createTextNode(message(problem)));
      }
      note.hidden = !problem;
      container.classList.toggle("sopkit-invalid", !!problem);
      Array.prototype.forEach.call(controls(field.key), function (control) {
        if (problem) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
        setDescribedBy(control, note.id, !!problem);
      });
    }

    function problemOf(checked, key) {
      return checked.problems.filter(function (p) { return p.field.key === key; })[0] || null;
    }

    function showSummary(problems) {
      summaryList.textContent = "";
      problems.forEach(function (problem) {
        var target = controls(problem.field.key)[0];
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "#" + target.id;
        var label = problem.field.label;
        link.textContent = label + (/[?:.!]$/.test(label) ? " " : ": ") + message(problem);
        link.addEventListener("click", function (event) {
          event.preventDefault();
          target.focus();
          box(problem.field.key).scrollIntoView({ block: "center" });
        });
        item.appendChild(link);
        summaryList.appendChild(item);
      });
      summary.hidden = false;
      summary.focus();
    }

    function renderSay() {
      var list = document.getElementById("sopkit-out-phone");
      if (!list || !shown) return;
      var withCase = Object.assign({}, shown);
      Object.keys(data.builtins).forEach(function (name) {
        var input = form.ownerDocument.querySelector('[name="' + name + '"]');
        withCase[name] = input ? clean(data, null, input.value) || null : null;
      });
      list.textContent = "";
      fill(data, withCase).say.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        list.appendChild(item);
      });
    }

    function showResult() {
      var ticket = fill(data, shown);
      document.getElementById("sopkit-out-subject").textContent = ticket.subject;
      document.getElementById("sopkit-out-description").textContent = ticket.description;
      renderSay();
      result.hidden = false;
      resultTitle.focus();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      attempted = true;
      var checked = check(data, values());
      data.fields.forEach(function (field) { showProblem(field, problemOf(checked, field.key)); });
      if (checked.problems.length) {
        shown = null;
        result.hidden = true;
        showSummary(checked.problems);
        return;
      }
      summary.hidden = true;
      status.textContent = "";
      shown = checked.shown;
      showResult();
    });

    /* Errors appear only on «Lag saken» (submit); between submits a field's error
       is only ever cleared, the moment it is put right. Showing a new error when
       a field loses focus would move the button under a mouse or finger that is
       pressing it (focus leaves on press, the click lands on release): the click
       was lost. The summary is rebuilt on the next submit. */
    function changed(event) {
      var key = event.target.name;
      var field = data.fields.filter(function (f) { return f.key === key; })[0];
      if (!field) return;
      if (attempted && !problemOf(check(data, values()), key)) showProblem(field, null);
      if (shown) {
        shown = null;
        result.hidden = true;
        announce(msg.msgChanged);
      }
    }
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    if (caseNumber) caseNumber.addEventListener("input", renderSay);

    result.querySelectorAll("[data-sopkit-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-sopkit-copy"));
        copyText(source.textContent).then(function () {
          button.focus();
          announce(button.getAttribute("data-sopkit-copied"));
        }, function () {
          selectText(source);
          announce(msg.msgCopyFailed);
        });
      });
    });
  }

  function ready() {
    document.querySelectorAll("form[data-sopkit-composer]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
