export { EnergyIndex, resolveBackend } from './energy-index';
export type { SearchHit, SearchQuery, LoadOptions, ItemSignatures, BackendOption } from './energy-index';
export { buildEnergy, stageSeed } from './build';
export type { BuildReport, BuiltIndex } from './build';
export * from './errors';
export * from './params';
export type { Matrix, VectorInput } from './matrix';
export { toMatrix, quantile, median, multiply } from './matrix';
export { projectedDimension, projectionMatrix } from './projection';
export { kmeans, defaultClusterCount, assignNearestReference, kmeansReference, kmeansPlusPlus, kmeansSeedRowsReference, seedDraws, updateCentroidsReference } from './kmeans';
export type { KMeansProblem, KMeansRun, RunKMeans, SeedDraws } from './kmeans';
export { compressCentroids } from './optical-compression';
export { buildFeatureGraph, graphFromCosines, graphFromNeighbours, neighboursFromCosines, profileNeighboursReference, profilePairCosine, nearestFeatures, laplacianFromEdges, profileCosinesReference, applyLaplacian, edgeWeight } from './feature-graph';
export type { FeatureGraph, ProfileNeighbours, FindProfileNeighbours } from './feature-graph';
export { diffuse, stableEta } from './diffusion';
export { splitCentroids } from './split';
export { rowEnergiesReference, dispersion } from './row-energies';
export type { RowEnergies } from './row-energies';
export { computeSignatures, normaliseLambda, rawLambda, rayleigh } from './signature';
export type { Signatures, TauMode } from './signature';
export { scoreKeysReference, topKOfKeys, prepareQueries, energyDistance, cosineOf, rerankByEnergy } from './search';
export type { ScoreWeights, PreparedQueries, ItemStore, TopK } from './search';
export { SEARCH_METHODS, SEARCH_METHOD_NAMES, DEFAULT_METHOD, SCORE_MODE, methodSpec, fusionCandidates } from './methods';
export type { SearchMethod, SearchMethodSpec, ScoreMode } from './methods';
export { SearchSteps } from './search-steps';
export type { QueryBatch, SearchContext } from './search-steps';
export { encodeIndex, decodeIndex, crc32, FORMAT_VERSION, MAGIC } from './format';
export { writeTarget, readSource, checkWritable, setSaveHooks } from './storage';
export type { SaveTarget, LoadSource, SaveStep, SaveHooks } from './storage';
export { writeSections, readSections, isContainer, CONTAINER_MAGIC, CONTAINER_VERSION } from './container';
export type { NamedBytes, Sections } from './container';
export { CpuBackend } from './cpu/cpu-backend';
export { GpuBackend } from './gpu/gpu-backend';
export { runsOnHost } from './gpu/host';
export { rowBlocks, blocksFor, bufferLimit, uploadRows } from './gpu/blocks';
export type { GpuBackendOptions } from './gpu/gpu-backend';
export type { IndexBackend, ResidentItems } from './backend';
export {
  gpuKMeans,
  gpuKMeansSeeds,
  kmeansSeedDistancesProgram,
  kmeansSeedPickProgram,
  kmeansSeedTakeProgram,
  kmeansAssignProgram,
  kmeansIterationProgram,
  kmeansUpdateProgram,
  labelSlots,
  squaredNormsProgram,
  squaredRowNormsReference,
} from './gpu/kmeans';
export { rowEnergiesProgram, rowEnergies as rowEnergiesGpu, rowEnergiesOfBlocks, uploadEdges } from './gpu/row-energies';
export { scoreProgram, packStats, productRows, stackQueries } from './gpu/score';
export { productsProgram, productsKernelFor } from './gpu/products';
export type { ProductsKernel } from './gpu/products';
export { projectOnGpu, profileCosinesOnGpu, profileNeighboursOnGpu, diffuseOnGpu } from './gpu/dense';
export { registerIndexKernelChecks, indexKernelChecks } from './selfcheck';
export { clusteredVectors } from './synthetic';
export { transposeProgram } from './gpu/transpose';
export { encodeLexical, decodeLexical, TOKENIZER_ID } from './lexical/lexical-format';
export { tokenize } from './lexical/tokenizer';
export type { TokenizerOptions } from './lexical/tokenizer';
export { porterStem } from './lexical/porter-stemmer';
export { ENGLISH_STOP_WORDS } from './lexical/stop-words';
export { Vocabulary, countTerms, documentFrequencies } from './lexical/vocabulary';
export type { SparseRow } from './lexical/vocabulary';
export { Bm25Index, DEFAULT_BM25, countCorpus, termColumns, lexicalKeysReference, transposeReference } from './lexical/bm25';
export type { Bm25Parameters, SparseMatrix, TermCounts } from './lexical/bm25';
export { rm3Query } from './lexical/rm3';
export { rocchioQuery } from './feedback';
export { fuseLists, fuseCandidates } from './fusion';
export type { FusionKind, CandidateList } from './fusion';
