/** `opticspace search INDEX "query text"`: embed the text with the saved embedder and search with text and vector. */
import { SEARCH_METHOD_NAMES, SEARCH_METHODS, type SearchMethod } from '@opticspace/index';
import { parseArgs, UsageError, withUsage } from '../args';
import { loadIndexBundle } from '../saved-index';
import { METHODS_USAGE, SEARCH_PARAMS_SPEC, SEARCH_PARAMS_USAGE, searchParamsFrom } from '../search-params';
import { formatTable } from '../table';

export const usage = `opticspace search INDEX "query text" [-k 10] [--method M] [--json]
  Searches an index written by 'opticspace build' with the query's text (lexical methods) and its
  embedding (dense methods); fusions use both.
  --method M                   (default: the library's default method)
${METHODS_USAGE}
  --alpha A  --weights L,G,D  --candidates M  lambdaAware / energy / hybrid parameters (defaults 0.7; 1,0.5,0.25; 100)
${SEARCH_PARAMS_USAGE}
  --backend auto|webgpu|cpu    (default auto)
  --json                       print the hits as JSON`;

const spec = {
  k: { type: 'integer', alias: 'k', default: 10 },
  method: { type: 'string', choices: SEARCH_METHOD_NAMES },
  alpha: { type: 'number', default: 0.7 },
  weights: { type: 'numberList', default: [1, 0.5, 0.25] },
  candidates: { type: 'integer', default: 100 },
  backend: { type: 'string', choices: ['auto', 'webgpu', 'cpu'], default: 'auto' },
  json: { type: 'boolean' },
  ...SEARCH_PARAMS_SPEC,
} as const;

export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { options, positionals } = parseArgs(argv, spec, { required: ['INDEX', 'QUERY'] });
    const [indexPath, queryText] = positionals;
    if (queryText.trim() === '') throw new UsageError('the query text is empty');
    if (options.weights.length !== 3) throw new UsageError(`--weights expects 3 numbers (lambda,dispersion,dirichlet), got ${options.weights.length}`);
    const parameters = searchParamsFrom(options.params);
    const { index, embedder, documents } = await loadIndexBundle(indexPath, options.backend as 'auto' | 'webgpu' | 'cpu');
    try {
      if (options.k < 1 || options.k > index.size) throw new UsageError(`-k must be in [1, ${index.size}] (the number of indexed documents), got ${options.k}`);
      const vector = await embedder.embedQuery(queryText);
      const known = vector.some((value) => value !== 0);
      const [lambda, dispersion, dirichlet] = options.weights;
      const method = options.method as SearchMethod | undefined;
      const hits = await index.search(
        { text: queryText, vector },
        {
          ...parameters,
          k: options.k,
          method,
          alpha: options.alpha,
          weights: { lambda, dispersion, dirichlet },
          candidates: Math.max(options.candidates, options.k),
        },
      );
      const results = hits.map((hit, rank) => ({ rank: rank + 1, id: documents[hit.index].id, score: hit.score, title: documents[hit.index].title, snippet: documents[hit.index].snippet }));
      if (options.json) {
        console.log(JSON.stringify({ query: queryText, method: method ?? 'default', k: options.k, knownTerms: known, results }, null, 2));
      } else {
        if (!known) console.error('search: no word of the query is in the index vocabulary; results are arbitrary');
        const scoreLabel = method && SEARCH_METHODS[method].order === 'distance' ? 'distance' : 'score';
        console.log(
          formatTable(
            ['rank', 'id', scoreLabel, 'text'],
            results.map((result) => [String(result.rank), result.id, result.score.toFixed(4), (result.title || result.snippet).slice(0, 80).replace(/\s+/g, ' ')]),
          ),
        );
      }
      return 0;
    } finally {
      index.dispose();
    }
  });
}
