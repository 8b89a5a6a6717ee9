// Filling the NHS.UK date input as a person does: find the question by its legend, then type
// the day, month and year (no leading zeros) and, where asked, the time.

// fillDate types isoDay ("2027-04-14") into the date input whose legend is legend, inside scope
// (a page, or a locator when the legend repeats on the page), and time ("12:00") when given.
export async function fillDate (scope, legend, isoDay, time) {
  const group = scope.getByRole('group', { name: legend, exact: true })
  const [y, m, d] = isoDay.split('-').map(Number)
  await group.getByLabel('Day', { exact: true }).fill(String(d))
  await group.getByLabel('Month', { exact: true }).fill(String(m))
  await group.getByLabel('Year', { exact: true }).fill(String(y))
  if (time !== undefined) await group.getByLabel('Time', { exact: true }).fill(time)
}

// dateTyped reads back what the date input shows: "14 4 2027" (and " 12:00" with a time).
export async function dateTyped (scope, legend) {
  const group = scope.getByRole('group', { name: legend, exact: true })
  const parts = []
  for (const label of ['Day', 'Month', 'Year']) parts.push(await group.getByLabel(label, { exact: true }).inputValue())
  const time = group.getByLabel('Time', { exact: true })
  if (await time.count()) parts.push(await time.inputValue())
  return parts.join(' ')
}
