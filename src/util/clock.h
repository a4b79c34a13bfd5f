/* The one clock: monotonic milliseconds for durations, deadlines and rates
 * (never wall time, which NTP can step), and a sleep that finishes its time
 * when a signal interrupts it. */
#ifndef MIGPLAN_UTIL_CLOCK_H
#define MIGPLAN_UTIL_CLOCK_H

long long mp_clock_ms(void);
/* The same clock in microseconds: a batch's lock hold is a few ms. */
long long mp_clock_us(void);
void mp_sleep_ms(long long ms);

#endif
