// Renders /api/openapi.json as a browsable page: endpoints grouped by tag, with their
// parameters, request body and responses, and every schema. No external assets.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function refName(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.type === "array") return refName(schema.items) + "[]";
  if (schema.oneOf) return schema.oneOf.map(refName).join(" | ");
  const t = Array.isArray(schema.type) ? schema.type.join(" | ") : schema.type || "object";
  return schema.enum ? t + " (" + schema.enum.join(", ") + ")" : t;
}

function schemaLink(schema) {
  const name = refName(schema);
  const base = name.replace("[]", "");
  return schema && (schema.$ref || (schema.items && schema.items.$ref))
    ? el("a", { href: "#schema-" + base }, name) : el("code", {}, name);
}

function operation(path, method, op) {
  const body = el("div", { class: "body" });
  if (op.description) body.append(el("p", {}, op.description));
  if (op.parameters && op.parameters.length) {
    const t = el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "description")));
    for (const p of op.parameters) t.append(el("tr", {}, el("td", {}, el("code", {}, p.name)), el("td", {}, p.in), el("td", {}, schemaLink(p.schema)), el("td", {}, p.description || "")));
    body.append(t);
  }
  const rb = op.requestBody && op.requestBody.content && op.requestBody.content["application/json"];
  if (rb) body.append(el("p", {}, "Request body: ", schemaLink(rb.schema)));
  const responses = el("table", {}, el("tr", {}, el("th", {}, "status"), el("th", {}, "body")));
  for (const [status, r] of Object.entries(op.responses || {})) {
    const content = r.content && (r.content["application/json"] || r.content["application/problem+json"]);
    responses.append(el("tr", {}, el("td", {}, status), el("td", {}, content ? schemaLink(content.schema) : r.description || "")));
  }
  body.append(responses);
  const summary = el("summary", {}, el("span", { class: "m " + method }, method.toUpperCase()), el("code", {}, path), " ", op.summary || "");
  const d = el("details", { "data-search": (method + " " + path + " " + (op.summary || "")).toLowerCase() }, summary, body);
  return d;
}

function render(doc) {
  document.getElementById("description").textContent = doc.info.description || "";
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(path, method, op));
    }
  }
  const paths = document.getElementById("paths");
  paths.textContent = "";
  for (const [tag, ops] of byTag) paths.append(el("h2", {}, tag), ...ops);
  const schemas = document.getElementById("schemas");
  for (const [name, s] of Object.entries((doc.components && doc.components.schemas) || {})) {
    const t = el("table", {}, el("tr", {}, el("th", {}, "field"), el("th", {}, "type"), el("th", {}, "description")));
    const required = new Set(s.required || []);
    for (const [field, p] of Object.entries(s.properties || {})) {
      t.append(el("tr", {}, el("td", {}, el("code", {}, field + (required.has(field) ? " *" : ""))), el("td", {}, schemaLink(p)), el("td", {}, p.description || "")));
    }
    schemas.append(el("details", { id: "schema-" + name }, el("summary", {}, name), el("div", { class: "body" }, el("p", {}, s.description || ""), t)));
  }
}

document.getElementById("filter").addEventListener("input", (e) => {
  const q = e.target.value.trim().toLowerCase();
  for (const d of document.querySelectorAll("#paths details")) d.hidden = q && !d.dataset.search.includes(q);
});

fetch("/api/openapi.json").then((r) => r.json()).then(render).catch((err) => {
  document.getElementById("paths").textContent = "Could not load the API description: " + err;
});
