import { describe, expect, it } from 'vitest';
import {
  busRoutePatterns,
  fanOutFilters,
  type RoutingTemplate,
  routingDisagreements,
} from '../../../../scripts/validators/routing-patterns.js';

const pattern = { source: ['com.example.orders'] };
const template: RoutingTemplate = {
  Resources: {
    Rule: {
      Type: 'AWS::Events::Rule',
      Properties: { EventPattern: pattern, Targets: [{ Arn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] } }] },
    },
    Schedule: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 hour)', Targets: [] } },
    Filtered: {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: 'Topic' },
        Endpoint: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
        FilterPolicy: { total: [{ numeric: ['>=', 100] }] },
        FilterPolicyScope: 'MessageBody',
      },
    },
    Everything: {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'Topic' }, Endpoint: { 'Fn::GetAtt': ['OtherQueue', 'Arn'] } },
    },
    OtherTopic: {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'Elsewhere' }, Endpoint: { 'Fn::GetAtt': ['Unknown', 'Arn'] } },
    },
  },
};
const known = (_stack: string, id: string) => ({ WorkQueue: 'work', OtherQueue: 'other' })[id];

describe('routingDisagreements', () => {
  it('returns nothing when every case matched what it expects, in any order, repeats aside', () => {
    expect(
      routingDisagreements(
        [
          { name: 'a', expected: ['saga', 'analytics'] },
          { name: 'b', expected: [] },
        ],
        [['analytics', 'saga', 'saga'], []],
      ),
    ).toEqual([]);
  });

  it('reports a case that matched more, or less, than it expects', () => {
    expect(
      routingDisagreements(
        [
          { name: 'more', expected: ['saga'] },
          { name: 'less', expected: ['saga', 'partner'] },
          { name: 'agrees', expected: ['saga'] },
        ],
        [['saga', 'analytics'], ['saga'], ['saga']],
      ),
    ).toEqual([
      { name: 'more', expected: ['saga'], matched: ['analytics', 'saga'] },
      { name: 'less', expected: ['partner', 'saga'], matched: ['saga'] },
    ]);
  });

  it('fails if the results do not pair with the cases', () => {
    expect(() => routingDisagreements([{ name: 'a', expected: [] }], [])).toThrow(/0 results for 1 cases/);
  });
});

describe('busRoutePatterns', () => {
  it("names each rule's pattern by its target's destination, skipping scheduled rules", () => {
    expect(busRoutePatterns({ Stack: template }, known)).toEqual([{ name: 'work', pattern }]);
  });

  it('fails on a target that is no known destination', () => {
    expect(() => busRoutePatterns({ Stack: template }, () => undefined)).toThrow(/Stack\/Rule: a target/);
  });
});

describe('fanOutFilters', () => {
  it("reads one topic's subscriptions: a body policy, or none (every message)", () => {
    expect(fanOutFilters('Stack', template, 'Topic', known)).toEqual([
      { name: 'work', pattern: { total: [{ numeric: ['>=', 100] }] } },
      { name: 'other' },
    ]);
  });

  it('fails on a policy on message attributes, which event-ruler does not model', () => {
    const attributes: RoutingTemplate = {
      Resources: {
        Filtered: {
          Type: 'AWS::SNS::Subscription',
          Properties: {
            TopicArn: { Ref: 'Topic' },
            Endpoint: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
            FilterPolicy: { store: ['example'] },
          },
        },
      },
    };
    expect(() => fanOutFilters('Stack', attributes, 'Topic', known)).toThrow(/message attributes/);
  });
});
