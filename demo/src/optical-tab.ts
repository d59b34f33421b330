/**
 * The optical tab: a document rendered to a page as DeepSeek-OCR would see it, the 16-pixel
 * patch grid and the vision-token grid (one token per 4x4 patches) drawn over it, and the
 * compression metrics from @opticspace/optical. With DeepSeek-OCR weights (a local file or a
 * URL) it checks the checkpoint and runs the encoder where @opticspace/encoder provides one.
 */
import {
  DOWNSAMPLE_RATIO,
  PATCH_SIZE,
  RESOLUTION_MODES,
  RESOLUTION_MODE_NAMES,
  tokenGridSide,
  compressionReport,
  createBrowserCanvasFactory,
  renderTextPages,
  type CompressionReport,
  type RenderedTextPage,
  type ResolutionModeName,
} from '@opticspace/optical';
import { documentText, type DemoCorpus, type DemoDocument } from './corpus';
import { renderReport } from './report';
import { encodePage } from './optical-encoder';

const $ = <T extends HTMLElement>(selector: string): T => document.querySelector<T>(selector)!;

const SAMPLE_TEXT =
  'CVE-2021-44228: Apache Log4j2 JNDI features used in configuration, log messages, and parameters do not protect against ' +
  'attacker controlled LDAP and other JNDI related endpoints. An attacker who can control log messages or log message ' +
  'parameters can execute arbitrary code loaded from LDAP servers when message lookup substitution is enabled.';

let initialised = false;
let lastPage: RenderedTextPage | null = null;
let lastReport: CompressionReport | null = null;

function drawPage(canvas: HTMLCanvasElement, page: RenderedTextPage, showGrid: boolean): void {
  const { width, height, data } = page.image;
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  context.putImageData(new ImageData(new Uint8ClampedArray(data), width, height), 0, 0);
  if (!showGrid) return;
  // Patch grid (16 px) faint, token grid (16 x 4 = 64 px) strong.
  const token = PATCH_SIZE * DOWNSAMPLE_RATIO;
  context.lineWidth = 1;
  for (const [step, colour] of [
    [PATCH_SIZE, 'rgba(9, 105, 218, 0.12)'],
    [token, 'rgba(130, 80, 223, 0.75)'],
  ] as const) {
    context.strokeStyle = colour;
    context.beginPath();
    for (let x = 0; x <= width; x += step) {
      context.moveTo(x + 0.5, 0);
      context.lineTo(x + 0.5, height);
    }
    for (let y = 0; y <= height; y += step) {
      context.moveTo(0, y + 0.5);
      context.lineTo(width, y + 0.5);
    }
    context.stroke();
  }
}

function showMetrics(report: CompressionReport): void {
  const bits = (summary: { bitsPerSymbol: number }) => `${summary.bitsPerSymbol.toFixed(3)} bits/symbol`;
  renderReport($<HTMLDListElement>('#optical-metrics'), [
    ['mode', report.mode],
    ['pages', `${report.pages} of ${report.pageSize.width}×${report.pageSize.height}`],
    ['text', `${report.characters} characters, ${report.words} words`],
    ['patches in', report.spatial.patchesIn],
    ['content tokens out', `${report.spatial.contentTokensOut} (${report.spatial.ratio}× fewer)`],
    ['vision tokens (with separators)', report.spatial.visionTokensOut],
    ['words per vision token', report.wordsPerVisionToken.toFixed(3)],
    ['characters per vision token', report.charactersPerVisionToken.toFixed(3)],
    ['text entropy', bits(report.textEntropy)],
    ['page pixel entropy', bits(report.imageEntropy)],
    ...(report.tokenEntropy
      ? ([
          ['vision token value entropy', bits(report.tokenEntropy)],
          ['token bits per text bit', (report.tokenBitsPerTextBit ?? 0).toFixed(2)],
        ] as const)
      : []),
  ]);
}

function render(): void {
  const status = $<HTMLParagraphElement>('#optical-status');
  const text = $<HTMLTextAreaElement>('#optical-text').value;
  const mode = $<HTMLSelectElement>('#optical-mode').value as ResolutionModeName;
  try {
    const pages = renderTextPages(text, { mode }, createBrowserCanvasFactory());
    lastPage = pages[0];
    lastReport = compressionReport(text, mode, pages.map((p) => p.image));
    drawPage($<HTMLCanvasElement>('#optical-canvas'), lastPage, $<HTMLInputElement>('#optical-grid').checked);
    showMetrics(lastReport);
    status.textContent =
      `Rendered ${pages.length} page(s); the first is shown with its ${lastPage.image.width / (PATCH_SIZE * DOWNSAMPLE_RATIO)}×` +
      `${lastPage.image.height / (PATCH_SIZE * DOWNSAMPLE_RATIO)} token grid.`;
  } catch (error) {
    status.textContent = `Rendering failed: ${(error as Error).message}`;
  }
}

async function encode(): Promise<void> {
  const status = $<HTMLParagraphElement>('#encoder-status');
  const file = $<HTMLInputElement>('#encoder-file').files?.[0];
  const url = $<HTMLInputElement>('#encoder-url').value.trim();
  if (!file && !url) {
    status.textContent = 'Choose a .safetensors file or enter its URL first: the encoder cannot run without DeepSeek-OCR weights.';
    return;
  }
  if (!lastPage) render();
  const mode = $<HTMLSelectElement>('#optical-mode').value as ResolutionModeName;
  if (!('gpu' in navigator) || !navigator.gpu) {
    status.textContent = 'The encoder runs on WebGPU, which this browser does not expose; the page and its metrics above still work.';
    return;
  }
  try {
    status.textContent = 'Reading the checkpoint header…';
    const tokens = await encodePage(file ?? url, lastPage!, mode, (message) => (status.textContent = message));
    lastReport = compressionReport($<HTMLTextAreaElement>('#optical-text').value, mode, [lastPage!.image], { values: tokens.values });
    showMetrics(lastReport);
    status.textContent = `Encoded: ${tokens.count} vision tokens of ${tokens.dims} values in ${(tokens.ms / 1000).toFixed(1)} s (weights loading included).`;
  } catch (error) {
    status.textContent = `The encoder could not run: ${(error as Error).message}`;
  }
}

/** The mode select, from the one resolution-mode table: side and token count of each view. */
function fillModeSelect(select: HTMLSelectElement, selected: ResolutionModeName): void {
  for (const name of RESOLUTION_MODE_NAMES) {
    const mode = RESOLUTION_MODES[name];
    const title = name[0].toUpperCase() + name.slice(1);
    const side = (size: number) => `${size}×${size}`;
    const tokens = (size: number) => tokenGridSide(size) ** 2;
    const label = mode.crop ? `${title} (${mode.imageSize} crops + ${mode.baseSize} view)` : `${title} (${side(mode.baseSize)}, ${tokens(mode.baseSize)} tokens)`;
    select.add(new Option(label, name, false, name === selected));
  }
}

/** Called when the tab opens; shows `document` (a search hit), or the first document of the corpus. */
export function openOpticalTab(corpus: DemoCorpus | null, shown?: DemoDocument): void {
  const textArea = $<HTMLTextAreaElement>('#optical-text');
  if (shown) textArea.value = `${shown.id}: ${documentText(shown)}`;
  if (initialised) {
    if (shown) render();
    return;
  }
  initialised = true;
  fillModeSelect($<HTMLSelectElement>('#optical-mode'), 'small');
  const first = corpus?.documents[0];
  if (!shown) textArea.value = first ? `${first.id}: ${documentText(first)}` : SAMPLE_TEXT;
  $<HTMLFormElement>('#optical-form').addEventListener('submit', (event) => {
    event.preventDefault();
    render();
  });
  $<HTMLInputElement>('#optical-grid').addEventListener('change', () => {
    if (lastPage) drawPage($<HTMLCanvasElement>('#optical-canvas'), lastPage, $<HTMLInputElement>('#optical-grid').checked);
  });
  $<HTMLFormElement>('#encoder-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void encode();
  });
  render();
}
