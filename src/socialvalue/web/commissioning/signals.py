"""What commissioning tells other apps, once the change is saved: notifications listen here.

- `award_decided(decision)`: an award decision was made; every bidder has an assessment summary.
- `award_withdrawn(decision)`: it was withdrawn during the standstill.
- `contract_entered(decision, contract)`: the standstill is over and the contract was entered.
"""

from django.dispatch import Signal

award_decided = Signal()
award_withdrawn = Signal()
contract_entered = Signal()
