import { MigrationInterface, QueryRunner } from 'typeorm';
import { addSeq, dropSeq } from './order-of-making';

/**
 * The tables of the lists that still broke a tie of a name (or a time) on a random uuid, or on nothing, and the order
 * their rows already kept are numbered in: the order they were listed in until now. People by their family and given
 * names (GET /people); practitioners by their account's name, lower-cased (GET /practitioners, the supervision
 * overview, the planner and the fairness figures, which all listed two of one name by id); doctors by name (GET
 * /doctors) and their approvals by kind and start; a person's relatives by when recorded; objections, listed newest
 * first and then by id, numbered so that that order stays; nominated persons, which broke a tie of their day and time
 * of recording on nothing, in the order recorded.
 */
const TABLES = [
  ['persons', 'lower(family_name), lower(given_name), id'],
  ['practitioners', `(SELECT lower(u.display_name) FROM users u WHERE u.id = "practitioners".user_id), id`],
  ['doctors', 'lower(name), id'],
  ['doctor_approvals', 'kind, starts_on, id'],
  ['relatives', 'created_at, id'],
  ['nearest_relative_objections', 'notified_at, id DESC'],
  ['nominated_persons', 'appointed_on, created_at, id'],
] as const;

/**
 * Written by hand: as 1796730000000 and 1796740000000 did for the lists they name. Two people of the same name found
 * by one search, two practitioners (or two doctors) of the same name, a doctor's two approvals of one kind from one
 * day, and a person's relatives, objections or nominated persons recorded at the same instant came in the order of
 * their random ids (or in no set order): a manager saw the second "John Smith" recorded listed first. Each now carries
 * `seq`, the order it was made in, which breaks the tie. No index of these tables ended in id (the name searches' are
 * on the names and date of birth alone), so none changes.
 */
export class OrderOfMakingNames1796760000000 implements MigrationInterface {
  name = 'OrderOfMakingNames1796760000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, order] of TABLES) await addSeq(q, table, order);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [table] of [...TABLES].reverse()) await dropSeq(q, table);
  }
}
