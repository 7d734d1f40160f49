"""Acting together: what the parties did and agreed, beside what the numbers did.

``plan`` holds the involvement plan per phase and unit (planned, and as it actually happened),
the roles in the project and what is fixed and open in each phase; ``med_log`` the MED
committees' discussions of the project; ``actions`` the actions agreed; ``timeline`` puts the
discussions and actions on the same time axis as the trends. ``rights`` says who may read and
write each of them.
"""
