import { secureHeaders } from 'hono/secure-headers';

/**
 * Response headers for the API and the dashboard (hono's secureHeaders): no framing, no MIME sniffing, no
 * referrer, same-origin resource and opener policies, and a content security policy that runs only the hub's own
 * scripts. Styles may be inline (Lit falls back to <style> in shadow roots, the printable report and the
 * "not built" page use them); images may be data: and blob: URLs (charts, downloaded sample images).
 * HSTS is sent only over HTTPS, where it means something.
 */
export function securityHeaders({ https }: { https: boolean }) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    strictTransportSecurity: https ? 'max-age=31536000' : false,
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
}
