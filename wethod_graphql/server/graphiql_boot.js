(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("graphiql-config").textContent);
  var NS = "graphiql:";
  // GraphiQL 3 writes request headers to three places besides "headers":
  // every tab in "tabState", and every run query in the history ("queries")
  // and "favorites", whatever shouldPersistHeaders says.
  var WITH_HEADERS = { "graphiql:tabState": 1, "graphiql:queries": 1, "graphiql:favorites": 1 };
  var NEVER = { "graphiql:headers": 1, "graphiql:shouldPersistHeaders": 1 };

  function withoutHeaders(key, value) {
    if (!WITH_HEADERS[key] || typeof value !== "string") return value;
    try {
      return JSON.stringify(JSON.parse(value, function (k, v) {
        return k === "headers" ? null : v;
      }));
    } catch (e) {
      return null; // not JSON: keep nothing rather than something unknown
    }
  }

  function memoryStorage() {
    var items = {};
    return {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(items, k) ? items[k] : null; },
      setItem: function (k, v) { items[k] = String(v); },
      removeItem: function (k) { delete items[k]; },
    };
  }

  // A Storage for GraphiQL that never lets a header value reach the browser.
  function headerlessStorage() {
    var backing;
    try {
      backing = window.localStorage;
      backing.getItem(NS + "probe");
    } catch (e) {
      backing = memoryStorage();
    }
    var ours = function () {
      var keys = [];
      for (var i = 0; i < (backing.length || 0); i++) {
        var k = backing.key(i);
        if (k && k.indexOf(NS) === 0) keys.push(k);
      }
      return keys;
    };
    var store = {
      getItem: function (k) { return NEVER[k] ? null : backing.getItem(k); },
      setItem: function (k, v) {
        var clean = NEVER[k] ? null : withoutHeaders(k, v);
        if (clean === null) backing.removeItem(k);
        else backing.setItem(k, clean);
      },
      removeItem: function (k) { backing.removeItem(k); },
      clear: function () { ours().forEach(function (k) { backing.removeItem(k); }); },
      get length() { return ours().length; },
    };
    // Scrub what an earlier page (or an earlier persist-headers setting) left.
    ours().forEach(function (k) {
      var v = backing.getItem(k);
      if (v !== null) store.setItem(k, v);
    });
    return store;
  }

  if (typeof GraphiQL === "undefined" || typeof GraphiQLPluginExplorer === "undefined") {
    document.getElementById("graphiql").textContent =
      "GraphiQL could not load its scripts (the browser console says which); " +
      "check WETHOD_GRAPHIQL_ASSETS_URL and WETHOD_GRAPHIQL_ASSETS_DIR.";
    return;
  }

  var props = {
    // In demo mode every response lists its upstream calls (extensions.upstream),
    // shown below the data in the result pane.
    fetcher: GraphiQL.createFetcher({
      url: config.endpoint,
      headers: config.explain ? { "Wethod-Explain": "1" } : {},
    }),
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    shouldPersistHeaders: config.persistHeaders,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: true,
    inputValueDeprecation: true,
  };
  if (!config.persistHeaders) props.storage = headerlessStorage();
  if (config.defaultQuery !== null) props.defaultQuery = config.defaultQuery;

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, props),
  );
})();
