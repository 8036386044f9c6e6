/**
 * The small HTML pages the first consent shows in the admin's browser: the connection is ready, or what went
 * wrong and what to do. Every value is escaped; no page carries a token or a secret.
 */
import type { APIGatewayProxyResult } from 'aws-lambda';

type Log = (message: string, extra: Record<string, unknown>) => void;
/** The part of the Logger the consent functions use. */
export interface ConsentLogger {
  info: Log;
  warn: Log;
  error: Log;
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // The pages load nothing and run nothing.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  'x-content-type-options': 'nosniff',
};

/** An HTML page response. */
export function htmlPage(status: number, title: string, paragraphs: string[]): APIGatewayProxyResult {
  const body = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>' + escapeHtml(title) + '</title>',
    '<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5}</style>',
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    '</body></html>',
  ].join('\n');
  return { statusCode: status, headers: HEADERS, body };
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
