/**
 * Great Expectations' validation-result JSON (ExpectationSuiteValidationResult /
 * ExpectationValidationResult), result_format SUMMARY: what `lakehouse dq validate` prints and what
 * ops/dq_results and Data Docs are built from.
 */
import type { JsonValue } from './suite.js';

export interface ExceptionInfo {
  raised_exception: boolean;
  exception_message: string | null;
  exception_traceback: string | null;
}

export interface ExpectationResult {
  success: boolean;
  /** The expectation as in the suite (`expectation_type`, plus GE 1.x's `type`). */
  expectation_config: { [key: string]: JsonValue };
  /**
   * Map expectations: element_count, missing_count, missing_percent, unexpected_count,
   * unexpected_percent (of non-missing), unexpected_percent_total, unexpected_percent_nonmissing,
   * partial_unexpected_list, partial_unexpected_counts. Aggregates: observed_value (+ details).
   */
  result: { [key: string]: JsonValue };
  /** Ours: severity (warn|drop|fail), duration_ms, and for drop the rows moved. */
  meta: { [key: string]: JsonValue };
  exception_info: ExceptionInfo;
}

export interface ValidationStatistics {
  evaluated_expectations: number;
  successful_expectations: number;
  unsuccessful_expectations: number;
  success_percent: number | null;
}

export interface SuiteValidationResult {
  success: boolean;
  results: ExpectationResult[];
  suite_name: string;
  suite_parameters: { [key: string]: JsonValue };
  statistics: ValidationStatistics;
  meta: { [key: string]: JsonValue };
  id: string | null;
}

export function statisticsOf(results: readonly ExpectationResult[]): ValidationStatistics {
  const ok = results.filter((r) => r.success).length;
  return {
    evaluated_expectations: results.length,
    successful_expectations: ok,
    unsuccessful_expectations: results.length - ok,
    success_percent: results.length === 0 ? null : (ok / results.length) * 100,
  };
}
