import { parseDuration } from '../../shared/duration';
import { DURATION_PATTERN } from './queue-admin.dto';

describe('DURATION_PATTERN', () => {
  const pattern = new RegExp(DURATION_PATTERN);

  it.each(['1d', '12h', '30m', '90s', '500ms', '1.5h', '1h30m', '0s', '45', ' 2W ', '10MS', '1d2h3m4s5ms'])(
    'accepts %j, which parseDuration reads',
    (text) => {
      expect(parseDuration(text)).toBeDefined();
      expect(pattern.test(text)).toBe(true);
    },
  );

  it.each(['', 'soon', '1 d', '1x', 'd1', '-1s', '1.s', '.5h', '1h 30m', '1e3'])(
    'refuses %j, which parseDuration refuses',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
      expect(pattern.test(text)).toBe(false);
    },
  );
});
