// Allure 3 configuration of `golive report` (issue 15): the single-file report opens on golive's verdict.
// Every word of the verdict comes from golive (golive/report.py writes it to $GOLIVE_REPORT_CONTEXT as JSON);
// this file only places it with Allure's own means: the report name, the variables block (one row per checklist
// item) and the tree grouped by checklist item (a label naming the item's verdict). Allure 3's quality gates are
// evaluated by `allure run`/`allure quality-gate`, not by `allure generate`, so the verdict is not one of them.
import { readFileSync } from "node:fs";
import { defineConfig } from "allure";

const contextFile = process.env.GOLIVE_REPORT_CONTEXT;
if (!contextFile) {
  throw new Error("allurerc.mjs is read by `golive report`; run that instead of allure directly");
}
const golive = JSON.parse(readFileSync(contextFile, "utf8"));

export default defineConfig({
  name: golive.title,
  historyPath: golive.historyPath,
  variables: golive.variables,
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportName: golive.title,
        groupBy: [golive.groupLabel],
      },
    },
  },
});
