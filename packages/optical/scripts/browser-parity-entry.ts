// Browser bundle entry for measure-browser-parity.mjs: the same layout and drawing code as Node.
import { renderTextPage } from '../src/text/render';
import { createBrowserCanvasFactory, loadBrowserFont } from '../src/canvas/browser-canvas';

(globalThis as unknown as Record<string, unknown>).opticalParity = { renderTextPage, createBrowserCanvasFactory, loadBrowserFont };
