// Starts Swagger UI on /docs. A file of its own because the page's Content-Security-Policy
// forbids inline scripts; the schema's address comes from the page.
const root = document.getElementById("swagger-ui");

window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  domNode: root,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  // The online validator would send our schema to swagger.io.
  validatorUrl: null,
});
