import { z } from 'zod';
import { PixelRect } from '../regions/config.ts';

export const CODE_FORMATS = [
  'DataMatrix',
  'QRCode',
  'Code128',
  'Code39',
  'EAN-13',
  'ITF',
  'PDF417',
  'Aztec',
] as const;

export const IdentityConfig = z
  .object({
    from: z
      .enum(['auto', 'trigger', 'code', 'counter'])
      .default('auto')
      .describe(
        "part id: auto = the trigger's (PLC, MES) when it has one, else a counter; code = read a barcode/2D code in the image; counter = <camera>-<n>",
      ),
    code: z
      .object({
        region: PixelRect.optional().describe(
          'where the code is, px (default: the whole frame; a region is faster)',
        ),
        formats: z
          .array(z.enum(CODE_FORMATS))
          .min(1)
          .default(['DataMatrix', 'QRCode'])
          .describe('symbologies to look for'),
      })
      .default({ formats: ['DataMatrix', 'QRCode'] }),
  })
  .default({ from: 'auto', code: { formats: ['DataMatrix', 'QRCode'] } });

export type IdentityConfig = z.infer<typeof IdentityConfig>;
