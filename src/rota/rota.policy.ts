import type { AppConfig } from '../config/app-config';
import type { RotaPolicy } from './rota.rules';

export function rotaPolicy(config: AppConfig): RotaPolicy {
  return {
    timeZone: config.timeZone,
    minRestHours: config.rotaMinRestHours,
    maxWeeklyHours: config.rotaMaxWeeklyHours,
    referenceWeeks: config.rotaReferenceWeeks,
    maxConsecutiveNights: config.rotaMaxConsecutiveNights,
    maxConsecutiveDays: config.rotaMaxConsecutiveDays,
    weeklyRestHours: config.rotaWeeklyRestHours,
    nightMaxAverageHours: config.rotaNightMaxAverageHours,
    nightReferenceWeeks: config.rotaNightReferenceWeeks,
  };
}
