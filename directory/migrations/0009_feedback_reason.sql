-- After a 👎 the bot asks "What were you looking for?": the answer, if any, is kept with the
-- vote (still no user id).
ALTER TABLE policy_feedback ADD COLUMN reason TEXT;
