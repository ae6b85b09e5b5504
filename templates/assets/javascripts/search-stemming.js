/* sopkit: Norwegian word forms in Material's site search.
 *
 * Loaded into Material's search worker after it (see sopkit's search worker
 * wrapper, made at build time). The index is built with lunr's Norwegian
 * stemmer (mkdocs.yml: search pipeline), so «hastesaker», «hastesaken» and
 * «hastesakene» are all indexed as «hastesak». Material sends every query
 * term to lunr with a trailing wildcard («hastesakene*») so that results come
 * while typing, and lunr skips the stemmer for a term with a wildcard: the
 * stem is then never found. Here such a term is stemmed before its wildcard,
 * so «hastesakene» finds «hastesaker» and typing «hastes» still finds it.
 */
(function () {
  "use strict";
  if (typeof lunr === "undefined" || !lunr.Query) return;
  var clause = lunr.Query.prototype.clause;
  lunr.Query.prototype.clause = function (c) {
    var stemmer = lunr.no && lunr.no.stemmer;
    if (stemmer && c && c.usePipeline === false && typeof c.term === "string") {
      var match = /^([^*]+)\*$/.exec(c.term);
      if (match) {
        var stem = stemmer(new lunr.Token(match[1])).toString();
        if (stem) c.term = stem + "*";
      }
    }
    return clause.call(this, c);
  };
})();
