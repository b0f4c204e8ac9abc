/*
 * Nothing typed is lost on a long page of separately saved forms (the assessment).
 *
 * Progressive enhancement: the page works without this file. With it, every form
 * marked data-keep-draft="<key>":
 *  - keeps what is typed in it, as it is typed, in this tab's sessionStorage (gone
 *    when the tab closes; never sent anywhere), with the version the form was loaded
 *    at (its hidden "version" field);
 *  - gets that draft back when the page is shown again with the same version (after
 *    saving another section, a reload, going back), with a note saying so;
 *  - drops the draft once the section shows a newer version (it has been saved);
 *  - and the browser warns before leaving the page while a form has changes that are
 *    neither saved nor being submitted.
 * CSP-safe: an external file, no inline script or style, no eval.
 */
(function () {
  "use strict";

  var PREFIX = "carehub-draft:";
  var SKIP = { csrfmiddlewaretoken: true, version: true };
  var submitting = null;

  function storage() {
    try {
      return window.sessionStorage;
    } catch (error) {
      return null; // storage turned off: the warning before leaving still works
    }
  }

  function versionOf(form) {
    var field = form.querySelector('input[name="version"]');
    return field ? field.value : "";
  }

  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && el.type !== "hidden" &&
        el.type !== "submit" && el.type !== "button" && el.type !== "file";
    });
  }

  function read(form) {
    var values = {};
    fieldsOf(form).forEach(function (el) {
      var key = el.name;
      if (el.type === "checkbox" || el.type === "radio") {
        key = el.name + "=" + el.value;
        values[key] = el.checked;
      } else if (el.multiple) {
        values[key] = Array.prototype.filter.call(el.options, function (o) {
          return o.selected;
        }).map(function (o) { return o.value; });
      } else {
        values[key] = el.value;
      }
    });
    return values;
  }

  function write(form, values) {
    fieldsOf(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var key = el.name + "=" + el.value;
        if (key in values) { el.checked = values[key]; }
      } else if (el.multiple) {
        if (el.name in values) {
          Array.prototype.forEach.call(el.options, function (o) {
            o.selected = values[el.name].indexOf(o.value) !== -1;
          });
        }
      } else if (el.name in values) {
        el.value = values[el.name];
      }
    });
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function note(form) {
    if (form.querySelector(".draft-restored")) { return; }
    var p = document.createElement("p");
    p.className = "alert alert-info draft-restored";
    p.setAttribute("role", "status");
    p.textContent = "Your unsaved changes to this section are back. " +
      "Save the section to keep them.";
    form.insertBefore(p, form.firstChild);
  }

  function setUp(form) {
    if (form.dataset.draftReady) { return; }
    form.dataset.draftReady = "yes";
    var store = storage();
    var key = PREFIX + form.dataset.keepDraft;
    var version = versionOf(form);
    form.carehubLoaded = read(form);
    if (store) {
      var kept = null;
      try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
      if (kept && kept.version === version && !same(kept.values, form.carehubLoaded)) {
        write(form, kept.values);
        note(form);
      } else if (kept) {
        store.removeItem(key); // saved since (a newer version), or nothing new
      }
    }
    function keep() {
      var now = read(form);
      if (!store) { return; }
      if (same(now, form.carehubLoaded)) {
        store.removeItem(key);
      } else {
        store.setItem(key, JSON.stringify({ version: version, values: now }));
      }
    }
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function () { submitting = form; });
  }

  function dirtyForms() {
    var forms = document.querySelectorAll("form[data-keep-draft]");
    return Array.prototype.filter.call(forms, function (form) {
      return form.carehubLoaded && !same(read(form), form.carehubLoaded);
    });
  }

  function scan(root) {
    var scope = root && root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("form[data-keep-draft]")) { setUp(scope); }
    Array.prototype.forEach.call(
      scope.querySelectorAll("form[data-keep-draft]"), setUp
    );
  }

  window.addEventListener("beforeunload", function (event) {
    var dirty = dirtyForms().filter(function (form) { return form !== submitting; });
    // A plain submit of one section reloads the page: the others' drafts come back
    // from storage, so only leaving for somewhere else needs the warning.
    if (submitting && storage()) { dirty = []; }
    submitting = null;
    if (dirty.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // A section saved with htmx comes back as new markup: set up what arrived.
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
  document.addEventListener("htmx:beforeRequest", function () { submitting = null; });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
