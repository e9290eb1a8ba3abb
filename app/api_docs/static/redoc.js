// Starts ReDoc on /redoc. A file of its own because the page's Content-Security-Policy
// forbids inline scripts; the schema's address comes from the page.
const root = document.getElementById("redoc");
// ReDoc's own fonts (Roboto, Montserrat) are web fonts it leaves the page to load from
// Google; this page loads none, so it names the system's.
const text = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

Redoc.init(
  root.dataset.openapiUrl,
  {
    theme: {
      typography: {
        fontFamily: text,
        headings: { fontFamily: text },
        code: { fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace' },
      },
    },
  },
  root,
);
