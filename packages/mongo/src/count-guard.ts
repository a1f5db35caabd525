import mongoose, { type Connection } from 'mongoose';
import { modelOn, schemaOptions } from './models.js';
import { required } from './paths.js';
import { inTransaction } from './transaction.js';

/** A guard document: one per owner of limited things, its `creations` raised by each creation. */
export interface GuardDoc {
  _id: string;
  creations: number;
}

/**
 * A limit on how many documents one owner may have (a calendar's busy sources, a user's webhooks)
 * that holds under concurrent creations: each creation first writes its owner's guard document
 * (collection `collection`) in its transaction, so two creations for one owner conflict on it and
 * one runs again, counting with the other's insert settled.
 */
export class CountGuard {
  private readonly guards: mongoose.Model<GuardDoc>;

  constructor(
    private readonly connection: Connection,
    modelName: string,
    collection: string,
  ) {
    const schema = new mongoose.Schema<GuardDoc>(
      { _id: required(String), creations: required(Number) },
      { ...schemaOptions, collection },
    );
    this.guards = modelOn(connection, modelName, schema);
  }

  async init(): Promise<void> {
    await this.guards.init();
  }

  /**
   * Inserts `doc` into `model` unless the owner holds `max` documents matching `owned` already
   * (false: nothing written), in one transaction with the guard's write.
   */
  async insertWithin<T>(
    model: mongoose.Model<T>,
    ownerId: string,
    owned: mongoose.QueryFilter<T>,
    doc: mongoose.DeepPartial<mongoose.ApplyBasicCreateCasting<mongoose.Require_id<T>>>,
    max: number,
  ): Promise<boolean> {
    return inTransaction(this.connection, async (session) => {
      await this.guards.updateOne({ _id: ownerId }, { $inc: { creations: 1 } }, { upsert: true, session });
      if ((await model.countDocuments(owned, { session })) >= max) return false;
      await model.create([doc], { session });
      return true;
    });
  }
}
