// Regenerates internal/server/static/world.svg from world-atlas (Natural Earth,
// public domain): 1:50m outlines near the eastern Mediterranean and the Middle
// East, 1:110m elsewhere; x = longitude, y = -latitude, in degrees. Run with
// node in a directory where world-atlas@2.0.2 and topojson-client@3.1.0 are
// installed; it writes world.svg there.
const topo = require('topojson-client');
const fs = require('fs');
const load = res => { const t = JSON.parse(fs.readFileSync(`node_modules/world-atlas/countries-${res}.json`)); return topo.feature(t, t.objects.countries).features; };
const fine = load('50m'), coarse = load('110m');
const r = (v, k) => Math.round(v * k) / k;
function bbox(g) { let b=[999,999,-999,-999]; const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  for (const p of polys) for (const ring of p) for (const [x,y] of ring) { b[0]=Math.min(b[0],x); b[1]=Math.min(b[1],y); b[2]=Math.max(b[2],x); b[3]=Math.max(b[3],y);} return b; }
const inRegion = b => (b[2]-b[0] < 45) && !(b[2] < 18 || b[0] > 62 || b[3] < 20 || b[1] > 48);
function path(g, k) { const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates; let d='';
  for (const poly of polys) for (const ring of poly) { let prev=null, s='';
    let px=null; for (const [x,y] of ring) { const p = r(x,k)+' '+r(-y,k); if (p===prev) continue; const jump = px!==null && Math.abs(x-px)>180; prev=p; px=x; s += (s && !jump ?'L':'M')+p; }
    d += s+'Z'; } return d; }
const out = []; const done = new Set();
for (const f of fine) { if (!f.geometry) continue; if (inRegion(bbox(f.geometry))) { done.add(f.id); out.push(`<path data-name="${(f.properties.name||'').replace(/[&<>"]/g,'')}" d="${path(f.geometry,100)}"/>`);} }
for (const f of coarse) { if (!f.geometry || done.has(f.id)) continue; out.push(`<path data-name="${(f.properties.name||'').replace(/[&<>"]/g,'')}" d="${path(f.geometry,10)}"/>`); }
const head = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-180 -90 360 180" preserveAspectRatio="none"><g id="world" fill="#e8e4da" stroke="#9a958a" stroke-width="0.025" stroke-linejoin="round">\n';
fs.writeFileSync('world.svg', head + out.join('\n') + '\n</g></svg>\n'); console.log(out.length, done.size, fs.statSync('world.svg').size);
