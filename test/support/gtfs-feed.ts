import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';

/** Writes a GTFS feed (file name → CSV text) as a zip archive in the temporary folder; returns its path. */
export function writeGtfsFeed(files: Record<string, string>): Promise<string> {
  const path = join(tmpdir(), `gtfs-${randomBytes(4).toString('hex')}.zip`);
  const zip = new yazl.ZipFile();
  for (const [name, text] of Object.entries(files)) zip.addBuffer(Buffer.from(text, 'utf8'), name);
  zip.end();
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path);
    zip.outputStream
      .pipe(out)
      .on('close', () => resolve(path))
      .on('error', reject);
  });
}

const calendar =
  'service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n' +
  '1,1,1,1,1,1,0,0,20260608,20260709\n' +
  '2,0,0,0,0,0,1,0,20260608,20260709\n' +
  '3,0,0,0,0,0,0,1,20260608,20260709\n';

/**
 * A small feed in the city's own form: trip ids `S VVVVV HHMM 0`, shape ids equal to the variant. Line
 * 103's variant 343 runs three weekday trips, one on Saturday and none on Sunday; variant 4066 one weekday
 * trip; variant 99999 (not in the catalogue) one. With stop times for 343 (its first trip: stops 3227,
 * 3228, 3229) and a shape for it.
 */
export function goodFeed(options: { stopTimes?: boolean; shapes?: boolean } = {}): Record<string, string> {
  const files: Record<string, string> = {
    'agency.txt':
      'agency_id,agency_name,agency_url,agency_timezone\nIM,Intendencia,https://montevideo.gub.uy,America/Montevideo\n',
    'calendar.txt': calendar,
    'trips.txt':
      'route_id,service_id,trip_id,trip_headsign,shape_id\n' +
      '103,1,1003430715 0,PLAZA ESPAÑA,343\n' +
      '103,1,1003430745 0,PLAZA ESPAÑA,343\n' +
      '103,1,1003431810 0,PLAZA ESPAÑA,343\n' +
      '103,2,2003430900 0,PLAZA ESPAÑA,343\n' +
      '103,1,1040660800 0,GÉANT,\n' +
      '999,1,1999990800 0,NOWHERE,\n',
  };
  if (options.stopTimes) {
    files['stop_times.txt'] =
      'trip_id,arrival_time,departure_time,stop_id,stop_sequence\n' +
      '1003430715 0,07:16:00,07:16:00,3227,1\n' +
      '1003430715 0,07:20:00,07:20:30,3228,2\n' +
      '1003430715 0,07:25:00,07:25:00,3229,3\n' +
      '1003430745 0,07:47:00,07:47:00,3227,1\n';
  }
  if (options.shapes) {
    files['shapes.txt'] =
      'shape_id,shape_pt_lat,shape_pt_lon,shape_pt_sequence\n' +
      '343,-34.879069,-56.147640,1\n' +
      '343,-34.880291,-56.149721,2\n' +
      '343,-34.881409,-56.151585,3\n';
  }
  return files;
}
