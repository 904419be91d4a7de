import type { AppConfig } from '../config/app-config';
import type { WorkforcePolicy } from './workforce.rules';

/** The configured thresholds the workforce rules take (marked ✱: local policy, AMHP-05/06/10). */
export function workforcePolicy(config: AppConfig): WorkforcePolicy {
  return {
    timeZone: config.timeZone,
    trainingHoursPerYear: config.trainingHoursPerYear,
    trainingMentalHealthHoursPerYear: config.trainingMentalHealthHoursPerYear,
    trainingShortfallSeverity: config.trainingShortfallSeverity,
    trainingWarnAfterMonths: config.trainingWarnAfterMonths,
    registrationCheckMaxAgeDays: config.registrationCheckMaxAgeDays,
    approvingCouncils: config.approvingCouncils,
  };
}
