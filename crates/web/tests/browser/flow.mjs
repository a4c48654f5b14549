// jixiao's browser test: the whole loop in headless Chromium, as people use it.
// Run by `cargo test` (crates/web/tests/browser/mod.rs), which starts a server and writes the
// workbooks. Environment: BASE_URL, XLSX_BAD, XLSX_GOOD, SHOTS (folder for screenshots),
// CHROMIUM (the browser; Debian's /usr/bin/chromium by default).
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

async function signIn(page, user, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
}
async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage });
}
async function signOut(page) {
  await Promise.all([page.waitForNavigation(), page.click('header form button')]);
}

try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();

  step('finance bureau signs in');
  await signIn(page, 'bureau', 'Jx-bureau-2021');
  assert.match(await page.textContent('h1'), /首页/);
  await shot(page, '01-bureau-dashboard-before-import');

  step('uploads a workbook with errors and sees every one');
  await page.goto(`${base}/imports`);
  await page.setInputFiles('input[type=file]', process.env.XLSX_BAD);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  const problems = await page.locator('table.problems tbody tr').count();
  assert.ok(problems >= 3, `expected at least 3 problems, saw ${problems}`);
  const text = await page.textContent('table.problems');
  assert.match(text, /支付/);
  assert.match(await page.textContent('p.error'), /未写入任何数据/);
  await shot(page, '02-import-errors');

  step('fixes it, checks again and confirms');
  await page.setInputFiles('input[type=file]', process.env.XLSX_GOOD);
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  assert.match(await page.textContent('p.ok'), /检查通过/);
  await shot(page, '03-import-checked');
  await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
  assert.match(await page.textContent('p.ok'), /已导入/);
  assert.match(await page.textContent('ul.summary'), /支付/);

  step('monitoring shows execution against time progress');
  await page.goto(`${base}/monitoring?as_of=2021-09-30`);
  assert.match(await page.textContent('main'), /序时进度/);
  assert.ok(await page.locator('svg.chart rect').count() >= 1);
  await shot(page, '04-monitoring');
  await signOut(page);

  step('department editor enters an actual and sees the score change');
  await signIn(page, 'editor', 'Jx-editor-2021');
  await shot(page, '05-editor-dashboard');
  await page.goto(`${base}/evaluations/baiyun-zfb/2021`);
  const before = (await page.textContent('#total')).trim();
  assert.equal(before, '99.45');
  await shot(page, '06-self-evaluation');
  const form = page.locator('form.entry').filter({ has: page.locator('input[name=indicator][value="移交进馆文书档案"]') });
  await form.locator('input[name=actual]').fill('4000');
  await form.locator('input[name=evidence]').fill('档案馆接收清单（2021年12月）');
  await Promise.all([page.waitForNavigation(), form.locator('button').click()]);
  const after = (await page.textContent('#total')).trim();
  assert.notEqual(after, before, 'the score changes with the actual');
  assert.ok(Number(after) < Number(before), `${after} < ${before}`);
  assert.equal(await form.locator('input[name=evidence]').inputValue(), '档案馆接收清单（2021年12月）');
  await shot(page, '07-after-actual');

  step('a bad value is refused with a clear message');
  const form2 = page.locator('form.entry').first();
  await form2.locator('input[name=actual]').fill('四千');
  await Promise.all([page.waitForNavigation(), form2.locator('button').click()]);
  assert.match(await page.textContent('p.error'), /不是数字/);
  await shot(page, '08-bad-actual');
  await page.goto(`${base}/evaluations/baiyun-zfb/2021`);

  step('recomputes and submits');
  await Promise.all([page.waitForNavigation(), page.click('text=重新评分并保存')]);
  await Promise.all([page.waitForNavigation(), page.click('button.step.submit')]);
  assert.match(await page.textContent('#state'), /已提交/);

  step('another department is refused');
  const other = await page.goto(`${base}/evaluations/other-dept/2021`);
  assert.equal(other.status(), 403);
  assert.match(await page.textContent('main'), /无权/);
  await shot(page, '09-other-department-refused');

  step('downloads the report');
  await page.goto(`${base}/evaluations/baiyun-zfb/2021`);
  const [docx] = await Promise.all([page.waitForEvent('download'), page.click('text=下载报告（Word）')]);
  const docxPath = await docx.path();
  assert.equal(readFileSync(docxPath).subarray(0, 2).toString(), 'PK');
  await signOut(page);

  step('department approver approves and publishes');
  await signIn(page, 'approver', 'Jx-approver-2021');
  await page.goto(`${base}/evaluations/baiyun-zfb/2021`);
  await Promise.all([page.waitForNavigation(), page.click('button.step.approve')]);
  assert.match(await page.textContent('#state'), /审核通过/);
  await Promise.all([page.waitForNavigation(), page.click('button.step.publish')]);
  assert.match(await page.textContent('#state'), /已公开/);
  await shot(page, '10-published');
  await signOut(page);

  step('the public portal lists it and the PDF downloads');
  const pub = await browser.newContext({ acceptDownloads: true });
  const pp = await pub.newPage();
  await pp.goto(`${base}/public`);
  assert.match(await pp.textContent('main'), /广州市白云区人民政府办公室/);
  assert.doesNotMatch(await pp.textContent('main'), /另一部门/);
  await shot(pp, '11-public-portal');
  const [pdf] = await Promise.all([pp.waitForEvent('download'), pp.click('text=PDF')]);
  assert.equal(readFileSync(await pdf.path()).subarray(0, 4).toString(), '%PDF');
  const draft = await pp.goto(`${base}/public/other-dept/2021`);
  assert.equal(draft.status(), 404);
  const internal = await pp.goto(`${base}/evaluations/other-dept/2021`);
  assert.match(internal.url(), /\/login$/);

  step('the published page is reachable from the portal');
  await pp.goto(`${base}/public`);
  await Promise.all([pp.waitForNavigation(), pp.click('text=广州市白云区人民政府办公室')]);
  assert.match(await pp.textContent('main'), /收支预决算概况/);
  await shot(pp, '12-public-evaluation');
  const [docxPublic] = await Promise.all([pp.waitForEvent('download'), pp.click('text=下载自评报告（Word）')]);
  assert.equal(readFileSync(await docxPublic.path()).subarray(0, 2).toString(), 'PK');

  step('the finance bureau tracks a problem and sees linkage, disclosure and years');
  await signIn(page, 'bureau', 'Jx-bureau-2021');
  await page.goto(`${base}/rectifications`);
  await Promise.all([page.waitForNavigation(), page.locator('form[action="/rectifications"] button').first().click()]);
  assert.match(await page.textContent('main'), /期限/);
  await shot(page, '13-rectifications');
  await page.goto(`${base}/linkage`);
  assert.match(await page.textContent('main'), /优先保障/);
  await shot(page, '14-linkage');
  await page.goto(`${base}/disclosure`);
  assert.match(await page.textContent('main'), /按时公开/);
  await shot(page, '15-disclosure');
  await page.goto(`${base}/departments/baiyun-zfb/years`);
  assert.match(await page.textContent('main'), /99\.\d\d/);
  await shot(page, '16-years');

  step('English and a phone screen');
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const ph = await phone.newPage();
  await signIn(ph, 'evaluator', 'Jx-evaluator-2021');
  await ph.goto(`${base}/lang/en`);
  await ph.goto(`${base}/evaluations/baiyun-zfb/2021`);
  assert.match(await ph.textContent('main'), /Department score/);
  await shot(ph, '17-phone-english', false);
  console.log(`${steps.length} passed, 0 failed`);
} catch (e) {
  console.error(`failed at step: ${steps[steps.length - 1]}`);
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
