/** What the dashboard says of a bus (SPEC §3.4), with the two states a route adds. */
export const BUS_STATUSES = [
  'arriving',
  'very_close',
  'approaching',
  'on_the_way',
  'passed',
  'calculating',
  // Not yet under way: waiting at the first stop of its route.
  'at_terminus',
  // On a variant that does not serve the tracked stop (the other direction, a short run).
  'not_coming',
] as const;
export type BusStatus = (typeof BUS_STATUSES)[number];
