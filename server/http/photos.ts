import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import type { Deps } from '../services/context.ts';
import { openPhoto, uploadPhoto } from '../services/photos.ts';
import { MAX_PHOTO_BYTES } from '../media/photos.ts';
import { guard } from './access.ts';
import type { AppEnv } from './env.ts';
import { errorBody } from './errors.ts';
import { validate } from './validate.ts';
import { photoId } from './schemas.ts';

const idParam = z.object({ id: photoId });
const uploadForm = z.object({
  file: z.instanceof(File, { error: 'Send the photo as multipart/form-data in the field "file".' }),
  /** When the camera took it, for a photo made small on the phone (which loses its EXIF), as the camera wrote it. */
  takenAt: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d)?$/, 'takenAt is the camera time, 2026-11-29T08:30:00 (township time) or with an offset, 2026-11-29T08:30:00+08:00')
    .optional(),
});

export const photoRoutes = (deps: Deps) => {
  const serve = (thumb: boolean) => async (c: any) => {
    const { stream: file, mime, size } = await openPhoto(deps, c.req.valid('param').id, thumb);
    c.header('Content-Type', mime);
    c.header('Content-Length', String(size));
    c.header('Cache-Control', 'private, max-age=31536000, immutable');
    c.header('X-Content-Type-Options', 'nosniff');
    return stream(c, async (s) => {
      for await (const chunk of file) await s.write(chunk as Uint8Array);
    });
  };
  return new Hono<AppEnv>()
    .post('/', guard(deps, 'POST /api/photos'), validate('form', uploadForm), async (c) => {
      const { file, takenAt } = c.req.valid('form');
      if (file.size > MAX_PHOTO_BYTES) {
        return c.json(errorBody('photo_too_large', '照片不能超过10MB。A photo may be at most 10 MB.'), 413);
      }
      const photo = await uploadPhoto(deps, c.get('user')!, Buffer.from(await file.arrayBuffer()), { takenAt });
      return c.json(photo, 201);
    })
    .get('/:id', guard(deps, 'GET /api/photos/:id'), validate('param', idParam), serve(false))
    .get('/:id/thumb', guard(deps, 'GET /api/photos/:id/thumb'), validate('param', idParam), serve(true));
};
