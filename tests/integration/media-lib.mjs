// media-lib.mjs -- images and PDFs made in the tests (nothing binary is
// checked in), and a raw HTTP request that sends its path exactly as given
// (fetch would resolve "..", "%2e%2e" and backslashes before sending).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
export const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), Buffer.from('JFIF\0'), Buffer.alloc(64)]);
export const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([30, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(22)]);
export const SVG = '<?xml version="1.0"?>\n<!-- a diagram -->\n<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">' +
  '<script>alert(1)</script><rect width="40" height="20" fill="#00703c"/></svg>\n';

// Sends "METHOD rawPath HTTP/1.1" and resolves { status, headers, body }.
export function rawRequest(server, rawPath, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(server.port, '127.0.0.1');
    let data = Buffer.alloc(0);
    sock.setTimeout(5000, () => { sock.destroy(); reject(new Error(`no answer to ${rawPath}`)); });
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('error', reject);
    sock.on('close', () => {
      const text = data.toString('latin1');
      const head = text.split('\r\n\r\n')[0];
      const m = /^HTTP\/1\.1 (\d+)/.exec(head);
      if (!m) { reject(new Error(`no HTTP answer to ${rawPath}: ${JSON.stringify(text.slice(0, 80))}`)); return; }
      const hdrs = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        hdrs[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(m[1]), headers: hdrs, body: data.subarray(head.length + 4) });
    });
    const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    sock.write(`${method} ${rawPath} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${extra}Connection: close\r\n\r\n`);
  });
}

// A PDF of n pages, one SVG each, made with rsvg-convert (librsvg2-bin).
export function makePdf(file, n, title = 'Page') {
  const dir = fs.mkdtempSync(path.join(path.dirname(file), 'svg-'));
  const svgs = [];
  for (let i = 1; i <= n; i++) {
    const f = path.join(dir, `p${i}.svg`);
    fs.writeFileSync(f, `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="540"><rect width="960" height="540" fill="#e8f0ff"/>` +
      `<text x="60" y="160" font-family="sans-serif" font-size="64">${title} ${i}</text>` +
      `<circle cx="${100 + i * 60}" cy="360" r="50" fill="#0f5c8c"/></svg>`);
    svgs.push(f);
  }
  execFileSync('rsvg-convert', ['-f', 'pdf', '-o', file, ...svgs]);
  fs.rmSync(dir, { recursive: true });
}

// A one-page PDF whose trailer names a Standard security handler that no
// empty password opens: poppler reports it encrypted.
export function makeEncryptedPdf(file) {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>',
    `<< /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >>`,
  ];
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n` + offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('');
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>] >>\n` +
    `startxref\n${xref}\n%%EOF\n`;
  fs.writeFileSync(file, out);
}
