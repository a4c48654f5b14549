// jixiao's browser test of where targets are born (issue 18), in headless Chromium: a unit
// drafts a new project, sees the automatic review, fixes it and submits; the department returns
// it with a comment; resubmitted and passed on; a panel of three experts scores the ex-ante
// assessment; approval without its conclusion is refused, with it succeeds; the approved
// targets appear in monitoring and in the year-end self-evaluation, which scores from them.
// Run by `cargo test` (crates/web/tests/browser/mod.rs). Environment: BASE_URL, SHOTS,
// CHROMIUM, DECL_FLAWED (the declaration's text without its 满意度 row, which the unit adds
// from the 指标库).
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';

const base = process.env.BASE_URL;
const shots = process.env.SHOTS;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const steps = [];
function step(name) { steps.push(name); console.log(`· ${name}`); }
async function signIn(page, user) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', `Jx-${user}-2021`);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
}
async function signOut(page) {
  await Promise.all([page.waitForNavigation(), page.click('header form button')]);
}
async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}
async function click(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();

  step('a unit editor drafts a new project from the blank form');
  await signIn(page, 'editor');
  await page.goto(`${base}/declarations`);
  await click(page, 'text=新建申报');
  assert.match(await page.inputValue('textarea[name=body]'), /jixiao-declaration\/1/);
  await shot(page, 't01-new-declaration');
  await page.fill('textarea[name=body]', readFileSync(process.env.DECL_FLAWED, 'utf8'));
  await click(page, '#declaration-form button');
  const at = new URL(page.url()).pathname;

  step('sees the automatic review find the missing 满意度 block');
  assert.equal(await page.locator('#review-findings li[data-rule="level1-present"]').count(), 1);
  await shot(page, 't02-review-findings');

  step('picks the 满意度 indicator from the library and fills in its value and points');
  await page.selectOption('select[name=library]', '服务对象满意度指标|服务对象满意度');
  await click(page, 'button[formaction="/declarations/compose"]');
  assert.match(await page.textContent('#added'), /服务对象满意度/);
  const composed = await page.inputValue('#declaration-form textarea[name=body]');
  assert.match(composed, /name = "服务对象满意度"/);
  await page.fill('#declaration-form textarea[name=body]',
    composed.replace(/value = ""   # 指标库：[^\n]*/, 'value = "≥90%"\nweight = "10"'));
  await shot(page, 't03a-from-the-library');

  step('saves the fix and submits');
  await click(page, '#declaration-form button');
  assert.equal(await page.locator('#review-findings li[data-rule="level1-present"]').count(), 0);
  await click(page, 'button.step.submit');
  assert.match(await page.textContent('#stage'), /待主管部门审核/);
  await shot(page, 't03-submitted');
  await signOut(page);

  step('the department returns it with a comment');
  await signIn(page, 'approver');
  await page.goto(`${base}${at}`);
  await page.fill('textarea[name=comment]', '请说明档案查阅平均用时的统计口径');
  await click(page, 'button.step.return');
  assert.match(await page.textContent('#stage'), /已退回/);
  await signOut(page);

  step('the unit sees the comment and resubmits; the department and the 业务科室 pass it on');
  await signIn(page, 'editor');
  await page.goto(`${base}${at}`);
  assert.match(await page.textContent('#return-comment'), /统计口径/);
  await shot(page, 't04-returned');
  await click(page, 'button.step.submit');
  await signOut(page);
  await signIn(page, 'approver');
  await page.goto(`${base}${at}`);
  await click(page, 'button.step.pass');
  await signOut(page);
  await signIn(page, 'bureau');
  await page.goto(`${base}${at}`);
  await click(page, 'button.step.pass');
  assert.match(await page.textContent('#stage'), /待绩效管理科批复/);

  step('the bureau names a panel of three experts');
  for (const expert of ['expert1', 'expert2', 'expert3']) {
    await page.selectOption('form[action$="/assessment/experts"] select', expert);
    await click(page, 'form[action$="/assessment/experts"] button');
  }
  await signOut(page);

  step('each expert scores on their own');
  const panel = {
    expert1: ['18', '17', '18', '17', '18'],
    expert2: ['16', '15', '16', '15', '16'],
    expert3: ['19', '18', '19', '18', '19'],
  };
  const dims = ['立项必要性', '投入经济性', '绩效目标合理性', '实施方案可行性', '筹资合规性'];
  for (const [expert, scores] of Object.entries(panel)) {
    await signIn(page, expert);
    await page.goto(`${base}${at}`);
    for (let k = 0; k < dims.length; k++) {
      await page.fill(`#score-form input[name="${dims[k]}"]`, scores[k]);
    }
    await page.fill('#score-form input[name=comment]', '论证较充分');
    await click(page, '#score-form button');
    if (expert === 'expert3') await shot(page, 't05-expert-scored');
    await signOut(page);
  }

  step('approval before the conclusion is refused, with the reason');
  await signIn(page, 'performance');
  await page.goto(`${base}${at}`);
  assert.match(await page.textContent('#panel-score'), /88\.00/);
  assert.equal(await page.locator('#spread-flag').count(), 1);
  await click(page, 'button.step.approve');
  assert.match(await page.textContent('#refused'), /须经事前绩效评估/);
  assert.match(await page.textContent('#stage'), /待绩效管理科批复/);
  await shot(page, 't06-approval-refused');
  await signOut(page);

  step('the bureau concludes; the 绩效管理科 approves');
  await signIn(page, 'bureau');
  await page.goto(`${base}${at}`);
  await page.fill('form[action$="/assessment/conclusion"] input[name=budget]', '28');
  await page.fill('form[action$="/assessment/conclusion"] input[name=suggestions]', '按每件100元的标准核定');
  await click(page, 'form[action$="/assessment/conclusion"] button');
  assert.match(await page.textContent('#conclusion'), /予以支持/);
  await signOut(page);
  await signIn(page, 'performance');
  await page.goto(`${base}${at}`);
  await click(page, 'button.step.approve');
  assert.match(await page.textContent('#stage'), /已批复/);
  await shot(page, 't07-approved');
  const [report] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/documents/assessment.docx"]')]);
  assert.equal(readFileSync(await report.path()).subarray(0, 2).toString(), 'PK');
  await signOut(page);

  const code = `SB${at.split('/').pop()}`;
  step('the approved targets appear in monitoring');
  await signIn(page, 'editor');
  await page.goto(`${base}/departments/baiyun-zfb/projects/${code}?year=2021`);
  assert.match(await page.textContent('main'), /文书档案数字化/);
  assert.match(await page.textContent('main'), /3000/);
  await shot(page, 't08-project-monitoring');

  step('the year-end self-evaluation shows them and scores from them');
  await page.goto(`${base}/evaluations/baiyun-zfb/2021`);
  assert.match(await page.textContent('main'), /绩效目标经批复/);
  const actuals = { '文书档案数字化': '3120', '数字化合格率': '99.2', '完成时间': '11', '每件数字化成本': '96', '档案查阅平均用时': '8', '服务对象满意度': '93' };
  for (const [name, value] of Object.entries(actuals)) {
    const form = page.locator('form.entry')
      .filter({ has: page.locator(`input[name=project][value="${code}"]`) })
      .filter({ has: page.locator(`input[name=indicator][value="${name}"]`) });
    await form.locator('input[name=actual]').fill(value);
    await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
  }
  const score = (await page.textContent(`span.project-score[data-project="${code}"]`)).trim();
  assert.equal(score, '90.00');
  await shot(page, 't09-self-evaluation-scored');
  await page.locator(`span.project-score[data-project="${code}"]`).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${shots}/t10-approved-project-scored.png` });
  console.log(`${steps.length} passed, 0 failed`);
} catch (e) {
  console.error(`failed at step: ${steps[steps.length - 1]}`);
  for (const p of browser.contexts().flatMap((c) => c.pages())) {
    await p.screenshot({ path: `${shots}/t-failed.png`, fullPage: true }).catch(() => {});
    console.error(`at ${p.url()}`);
  }
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
