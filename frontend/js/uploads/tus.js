// tus-js-client, vendored from npm as its browser bundle (it sets `window.tus`).
import "../../vendor/tus.min.js";

export const { Upload, isSupported } = window.tus;
