// Validates Kubernetes manifests against their published schemas: the core API (kubernetes-models),
// KEDA (@kubernetes-models/keda) and the Prometheus operator (@kubernetes-models/prometheus-operator).
//   node validate.js manifests.json     (a JSON array of manifests, as ManifestSchemaTest writes them)
// Prints "valid <apiVersion> <kind> <name>" per manifest; exits 1 naming each one that is not.
'use strict';
const fs = require('fs');

const PACKAGES = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

function model(apiVersion, kind) {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.substring(0, slash);
  const pkg = PACKAGES[group] || 'kubernetes-models';
  let module;
  try {
    module = require(`${pkg}/${apiVersion}`);
  } catch (e) {
    return null;
  }
  return module[kind] || null;
}

const docs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let failed = 0;
for (const doc of docs) {
  const name = `${doc.apiVersion} ${doc.kind} ${(doc.metadata || {}).name}`;
  const Model = model(doc.apiVersion || '', doc.kind || '');
  if (!Model) {
    console.log(`invalid ${name}: no schema for this apiVersion and kind`);
    failed++;
    continue;
  }
  try {
    new Model(doc).validate();
    console.log(`valid ${name}`);
  } catch (e) {
    console.log(`invalid ${name}: ${e.message}`);
    failed++;
  }
}
process.exit(failed === 0 ? 0 : 1);
