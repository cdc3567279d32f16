/*
 * Plan hierarchy filter and expand/collapse: progressive enhancement for
 * plans/plan_detail.html. Without this script the filter form submits (GET ?q=) and the
 * server filters (plans.hierarchy.filter_tree); with it, the tree filters as the user types,
 * by the same rules, so both give the same result.
 *
 * Markup contract:
 *   <form data-plan-filter> containing <input type="search" id="plan-filter-q" name="q">
 *   <p id="plan-filter-status" aria-live="polite"></p>
 *   <ul data-plan-tree [data-total="N"]> of nested
 *     <li data-element-number="1.2" data-element-text="1.2 title description">
 *       <details open><summary>...</summary><ul>...children...</ul></details>   (branches)
 *   <button type="button" data-tree-expand hidden> / <button ... data-tree-collapse hidden>
 *     (rendered hidden, since they do nothing without this script, which reveals them)
 *   data-total, when given, is the number of elements in the whole plan; it tells the script
 *   that a server-filtered page holds only part of the tree.
 *
 * Matching (as plans.hierarchy.filter_tree): the query is split into words; an element
 * matches when every word matches. A number word ("1", "1.2", "1.2.") matches the element of
 * that number (unless it ends in a dot: "1.2." means 1.2's descendants), its numbered
 * descendants ("1.2" matches 1.2.3 but not 1.20 or 11.2), or that number written as a whole
 * word in the text; any other word matches anywhere in the text. Shown: the matches, all
 * their descendants, and their ancestors, whose <details> are opened.
 *
 * Plain ES2017, no dependencies, safe to load with defer; no inline handlers (CSP).
 */
(function () {
  "use strict";

  var STATUS_DELAY_MS = 400;
  // Python's [\w.&'-]+ (Unicode \w) without ES2018 property escapes: a word is a run of
  // anything but white space and the punctuation that \w and .&'- leave out (ASCII, Latin-1
  // and general punctuation such as curly quotes and dashes).
  var WORD = /[^\s!"#$%()*+,/:;<=>?@[\\\]^`{|}~\u00a0-\u00bf\u2010-\u2027\u2030-\u205e]+/g;
  var NUMBER = /^\d+(\.\d+)*\.?$/;

  function queryWords(query) {
    return query.toLowerCase().match(WORD) || [];
  }

  var tokenCache = new WeakMap();

  /* The words of an element's text with trailing dots dropped, computed once per element. */
  function textTokens(li) {
    if (!tokenCache.has(li)) {
      var words = (li.getAttribute("data-element-text") || "").toLowerCase().match(WORD) || [];
      tokenCache.set(
        li,
        new Set(
          words.map(function (word) {
            return word.replace(/\.+$/, "");
          })
        )
      );
    }
    return tokenCache.get(li);
  }

  function wordMatches(word, li) {
    if (!NUMBER.test(word)) {
      return (li.getAttribute("data-element-text") || "").toLowerCase().indexOf(word) !== -1;
    }
    var number = li.getAttribute("data-element-number") || "";
    var prefix = word.replace(/\.+$/, "");
    if (number === prefix) {
      return word.charAt(word.length - 1) !== ".";
    }
    return number.indexOf(prefix + ".") === 0 || textTokens(li).has(prefix);
  }

  function isMatch(li, words) {
    return words.every(function (word) {
      return wordMatches(word, li);
    });
  }

  function childItems(li) {
    return Array.prototype.slice.call(
      li.querySelectorAll(":scope > details > ul > li, :scope > ul > li")
    );
  }

  /* Shows the items for the words (all of them when there are none); returns how many
     elements match by themselves and how many are shown. */
  function filterItems(roots, words) {
    var counts = { matched: 0, shown: 0 };

    // Returns whether `li` is shown; `keep` when an ancestor matched.
    function visit(li, keep) {
      var matched = words.length === 0 || isMatch(li, words);
      var kept = keep || matched;
      var descendantShown = false;
      childItems(li).forEach(function (child) {
        if (visit(child, kept)) {
          descendantShown = true;
        }
      });
      var shown = kept || descendantShown;
      li.hidden = !shown;
      counts.matched += matched ? 1 : 0;
      counts.shown += shown ? 1 : 0;
      if (descendantShown && !kept) {
        var details = li.querySelector(":scope > details");
        if (details) {
          details.open = true;
        }
      }
      return shown;
    }

    roots.forEach(function (li) {
      visit(li, false);
    });
    return counts;
  }

  function plural(count) {
    return count === 1 ? " element" : " elements";
  }

  /* `total` is null on a server-filtered page that does not say how big the whole plan is. */
  function statusText(query, counts, total) {
    if (queryWords(query).length === 0) {
      return counts.shown === total
        ? "All " + total + plural(total) + " shown."
        : counts.shown + plural(counts.shown) + " shown.";
    }
    var quoted = "\u201c" + query.trim() + "\u201d";
    if (counts.matched === 0) {
      return "No elements match " + quoted + ".";
    }
    var verb = counts.matched === 1 ? " matches " : " match ";
    var shown = total === null ? counts.shown : counts.shown + " of " + total;
    return counts.matched + plural(counts.matched) + verb + quoted + "; " + shown + " shown.";
  }

  function setAllOpen(tree, open) {
    Array.prototype.forEach.call(tree.querySelectorAll("details"), function (details) {
      details.open = open;
    });
  }

  function revealButtons(selector, onClick) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (button) {
      button.hidden = false;
      button.addEventListener("click", onClick);
    });
  }

  function isComplete(tree, rendered, input) {
    var total = parseInt(tree.getAttribute("data-total"), 10);
    if (total) {
      return rendered >= total;
    }
    // Without data-total, a page loaded with a query is taken to be server-filtered.
    var query = new URLSearchParams(window.location.search).get(input.name) || "";
    return queryWords(query).length === 0;
  }

  function wireFilter(tree, form, input, status) {
    var roots = Array.prototype.filter.call(tree.children, function (child) {
      return child.tagName === "LI";
    });
    var rendered = tree.querySelectorAll("li[data-element-number]").length;
    var complete = isComplete(tree, rendered, input);
    var total = parseInt(tree.getAttribute("data-total"), 10) || (complete ? rendered : null);
    var statusTimer = null;

    function apply(announceNow) {
      var query = input.value;
      var text = statusText(query, filterItems(roots, queryWords(query)), total);
      if (!status) {
        return;
      }
      // Typing fires an event per key; announce once the user pauses, not every letter.
      window.clearTimeout(statusTimer);
      if (announceNow) {
        status.textContent = text;
      } else {
        statusTimer = window.setTimeout(function () {
          status.textContent = text;
        }, STATUS_DELAY_MS);
      }
    }

    input.addEventListener("input", function () {
      apply(false);
    });
    // Only a complete tree can be filtered here; a server-filtered page lacks the rest of
    // the plan, so its form still goes to the server.
    if (form && complete) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        apply(true);
        var url = new URL(window.location.href);
        if (queryWords(input.value).length) {
          url.searchParams.set(input.name, input.value);
        } else {
          url.searchParams.delete(input.name);
        }
        window.history.replaceState(null, "", url.toString());
      });
    }
  }

  function init() {
    var tree = document.querySelector("[data-plan-tree]");
    if (!tree) {
      return; // Nothing rendered (no match, or an empty plan): the form submits as usual.
    }
    revealButtons("[data-tree-expand]", function () {
      setAllOpen(tree, true);
    });
    revealButtons("[data-tree-collapse]", function () {
      setAllOpen(tree, false);
    });
    var input = document.getElementById("plan-filter-q");
    if (input) {
      wireFilter(
        tree,
        document.querySelector("[data-plan-filter]"),
        input,
        document.getElementById("plan-filter-status")
      );
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
