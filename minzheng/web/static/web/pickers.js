/* The shared pickers (attributes from web/widgets.py).

   Area picker — <input data-area-picker …>: cascading selects 市 → 县区 → 镇街 → 村居 fetched one level at a time
   from the server (only the areas the user may choose, plus the ones above them to reach them); the chosen area's
   code is written into the input, which is then hidden. A level with a single choice is chosen at once.

   Person picker — <input data-person-picker=purpose …>: typing a name, pinyin initials or ID digits lists
   candidates (masked ID and 村居) from the server by POST; choosing one puts its id in a hidden input "person" and
   the typed text is not sent. Typing again clears the choice.

   Without JavaScript both stay the plain inputs they are: a 区划代码, a 身份证号. */
(function () {
  "use strict";
  var LEVELS = ["city", "county", "town", "village"];
  var LABELS = { city: "市", county: "县区", town: "镇街", village: "村居" };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : {}; });
  }

  function csrfToken(el) {
    var form = el.form;
    var field = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (field) return field.value;
    var m = /csrftoken=([^;]+)/.exec(document.cookie);
    return m ? m[1] : "";
  }

  /* ---- area picker ---------------------------------------------------------------------------------------- */

  function areaPicker(input) {
    var url = input.getAttribute("data-area-url");
    var publicTree = input.getAttribute("data-area-picker") === "public";
    var depth = LEVELS.indexOf(input.getAttribute("data-area-depth") || "village");
    var least = LEVELS.indexOf(input.getAttribute("data-area-least") || "city");
    // A field holding several codes (a user's 管辖区域) stays visible; the picker adds the chosen area to it.
    var multi = input.hasAttribute("data-area-multi");
    var box = document.createElement("span");
    box.className = "area-picker";
    input.insertAdjacentElement("afterend", box);
    var initial = multi ? "" : input.value.trim();
    var picked = "";
    if (!multi) input.type = "hidden";
    var selects = [];
    if (multi) {
      var add = document.createElement("button");
      add.type = "button";
      add.textContent = "添加所选区域";
      add.addEventListener("click", function () {
        if (!picked) return;
        var codes = input.value.split(/[,，\s]+/).filter(Boolean);
        if (codes.indexOf(picked) < 0) codes.push(picked);
        input.value = codes.join(",");
      });
      box.insertAdjacentElement("afterend", add);
    }

    function query(params) {
      var q = new URLSearchParams(params);
      if (publicTree) q.set("public", "1");
      return getJSON(url + "?" + q.toString());
    }

    function update() {
      // The answer: the deepest chosen area the user may choose, if it is at least as deep as the field needs.
      var code = "";
      for (var i = 0; i < selects.length; i++) {
        var opt = selects[i].selectedOptions[0];
        if (opt && opt.value && opt.getAttribute("data-selectable") === "1" && i >= least) code = opt.value;
      }
      picked = code;
      if (multi) return;
      input.value = code;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function truncate(n) {
      while (selects.length > n) box.removeChild(selects.pop());
    }

    function level(index, parent, want) {
      // Build the select for LEVELS[index] under `parent`; `want` reopens a value already chosen.
      if (index > depth) return Promise.resolve();
      var params = parent ? { parent: parent } : {};
      return query(params).then(function (data) {
        var areas = data.areas || [];
        truncate(index);
        if (!areas.length) { update(); return; }
        var sel = document.createElement("select");
        sel.setAttribute("aria-label", LABELS[LEVELS[index]] || "区域");
        sel.setAttribute("data-level", LEVELS[index]);
        var blank = document.createElement("option");
        blank.value = "";
        blank.textContent = "— " + (LABELS[LEVELS[index]] || "区域") + " —";
        sel.appendChild(blank);
        areas.forEach(function (a) {
          var o = document.createElement("option");
          o.value = a.code;
          o.textContent = a.name;
          o.setAttribute("data-selectable", a.selectable ? "1" : "0");
          sel.appendChild(o);
        });
        box.appendChild(sel);
        selects.push(sel);
        sel.addEventListener("change", function () {
          if (sel.value === sel.getAttribute("data-current")) return;  // the same area chosen again
          sel.setAttribute("data-current", sel.value);
          truncate(index + 1);
          update();
          if (sel.value) level(index + 1, sel.value, null);
        });
        var next = want && want.length ? want[0] : (areas.length === 1 ? areas[0].code : "");
        if (next && sel.querySelector('option[value="' + next + '"]')) {
          sel.value = next;
          sel.setAttribute("data-current", next);
          update();
          return level(index + 1, next, want ? want.slice(1) : null);
        }
        update();
      });
    }

    if (initial) {
      query({ chain: initial }).then(function (data) {
        level(0, null, data.chain && data.chain.length ? data.chain : null);
      });
    } else {
      level(0, null, null);
    }
  }

  /* ---- person picker -------------------------------------------------------------------------------------- */

  var uid = 0;

  function personPicker(input) {
    var url = input.getAttribute("data-person-url");
    var purpose = input.getAttribute("data-person-picker");
    // A form that already carries the choice (opened from a person's page) keeps its one hidden "person" field.
    var hidden = input.form && input.form.querySelector("input[type=hidden][name=person]");
    if (!hidden) {
      hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "person";
      input.insertAdjacentElement("afterend", hidden);
    }
    var list = document.createElement("ul");
    list.className = "person-picker-list";
    list.id = "person-picker-" + (++uid);
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var timer = null, seq = 0;
    if (!hidden.value && input.getAttribute("data-person-chosen")) {  // shown again after an error: keep the choice
      hidden.value = input.getAttribute("data-person-chosen");
      input.value = input.getAttribute("data-person-chosen-label") || "";
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function choose(p) {
      hidden.value = String(p.id);
      input.value = p.name + "（" + p.masked_id + "）";
      input.setAttribute("data-chosen", "1");
      close();
    }

    function show(persons) {
      list.innerHTML = "";
      if (!persons.length) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "未找到（仅列出您管辖范围内已登记的人员）";
        list.appendChild(none);
      }
      persons.forEach(function (p) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.tabIndex = -1;
        li.textContent = p.name + "　" + p.masked_id + (p.area ? "　" + p.area : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(p); });
        li.addEventListener("keydown", function (e) {
          if (e.key === "Enter") { e.preventDefault(); choose(p); input.focus(); }
        });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var q = input.value.trim();
      if (!q) { close(); return; }
      var mine = ++seq;
      var body = new URLSearchParams({ q: q, purpose: purpose });
      fetch(url, { method: "POST", credentials: "same-origin", body: body,
                   headers: { "X-CSRFToken": csrfToken(input), Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { persons: [] }; })
        .then(function (data) { if (mine === seq) show(data.persons || []); });
    }

    input.addEventListener("input", function () {
      hidden.value = "";
      input.removeAttribute("data-chosen");
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("[role=option]");
        if (first) { e.preventDefault(); first.focus(); }
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    if (input.form) {
      input.form.addEventListener("submit", function () {
        // A chosen person travels as its id only; the typed text (a name) is not a 身份证号.
        if (hidden.value) input.disabled = true;
      });
      window.addEventListener("pageshow", function () { input.disabled = false; });
    }
  }

  function init(root) {
    root.querySelectorAll("input[data-area-picker]").forEach(function (el) {
      if (!el.hasAttribute("data-picker-ready")) { el.setAttribute("data-picker-ready", "1"); areaPicker(el); }
    });
    root.querySelectorAll("input[data-person-picker]").forEach(function (el) {
      if (!el.hasAttribute("data-picker-ready")) { el.setAttribute("data-picker-ready", "1"); personPicker(el); }
    });
  }

  if (!window.fetch || !window.URLSearchParams) return;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
