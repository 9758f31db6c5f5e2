// The query page: YASGUI against this server's /sparql, the named queries as ready examples,
// and result links to IRIs this server has pages for rewritten to those pages.
(function () {
  "use strict";
  const queries = JSON.parse(document.getElementById("named-queries-data").textContent);
  const localBases = JSON.parse(document.getElementById("local-bases").textContent);
  const prefixes = JSON.parse(document.getElementById("prefixes").textContent);
  const endpoint = window.location.origin + "/sparql";

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: endpoint }] },
    // the autocompleters that ask prefix.cc and LOV would contact other hosts
    yasqe: { autocompleters: ["variables"] },
    // results show kgt:…, kg:…, id:… instead of full IRIs
    yasr: { prefixes: prefixes },
  });

  function localPage(iri) {
    for (const [prefix, local] of localBases) {
      if (local !== "/" && iri.startsWith(prefix)) return local + iri.slice(prefix.length);
    }
    return null;
  }

  // Rewrite result links: an IRI with a page here opens that page, in this tab.
  new MutationObserver(() => {
    document.querySelectorAll("#yasgui .yasr a[href]").forEach((a) => {
      if (a.dataset.local) return;
      const page = localPage(a.getAttribute("href"));
      if (page) {
        a.setAttribute("href", page);
        a.removeAttribute("target");
        a.classList.add("entity-link");
        a.dataset.local = "1";
      }
    });
  }).observe(document.getElementById("yasgui"), { childList: true, subtree: true });

  // A parameter ("# param: region …") is asked for and bound by a trailing VALUES clause;
  // JSON string escapes are valid SPARQL string escapes.
  function bindParams(query) {
    let text = query.text;
    for (const param of query.params) {
      const name = param.split(/\s+/)[0];
      const value = window.prompt(`${query.title}: ${param}`, "");
      if (value === null) return null;
      text += `\nVALUES ?${name} { ${JSON.stringify(value)} }\n`;
    }
    return text;
  }

  function runNamed(name) {
    const query = queries.find((q) => q.name === name);
    if (!query) return;
    const text = bindParams(query);
    if (text === null) return;
    const tab = yasgui.addTab(true, { name: query.title });
    tab.setQuery(text);
    tab.query();
  }

  document.querySelectorAll("button.named-query").forEach((button) => {
    button.addEventListener("click", () => runNamed(button.dataset.name));
  });
  window.kamergraphRunNamed = runNamed;
})();
