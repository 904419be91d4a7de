import { SqlWhere } from './sql-where';

describe('SqlWhere', () => {
  it('numbers parameters in the order they are added, one value per condition however often it is used', () => {
    const w = new SqlWhere(['fixed']).raw('p.active').add('p.team = ?', 'North').add('(a.owner = ? OR s.supervisor = ?)', 'u1');
    const limit = w.param(51);
    expect(`${w} LIMIT ${limit}`).toBe('WHERE p.active AND p.team = $2 AND (a.owner = $3 OR s.supervisor = $3) LIMIT $4');
    expect(w.params).toEqual(['fixed', 'North', 'u1', 51]);
  });

  it('is empty without conditions', () => {
    expect(`${new SqlWhere()}`).toBe('');
  });
});
